package io.hunyuan4j.cogvideox.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.IdentityHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The frames each causal convolution carries from one frame batch to the next: diffusers' nested
 * {@code conv_cache} dicts, keyed here by the convolution itself. One cache serves one frame-batched pass (one
 * tile); its arrays live in a manager of their own, so they outlive each batch's scopes and go when it closes.
 */
final class ConvCache implements AutoCloseable {

    private final NDManager manager;
    private final Map<CogVideoXCausalConv3d, NDArray> frames = new IdentityHashMap<>();

    /** An empty cache (the first batch pads with copies of its first frame) under {@code parent}. */
    ConvCache(NDManager parent) {
        this.manager = parent.newSubManager();
        manager.setName("cogvideox-conv-cache");
    }

    /** The frames {@code conv} kept from the previous batch, or null in the first batch. */
    @Nullable NDArray get(CogVideoXCausalConv3d conv) {
        return frames.get(conv);
    }

    /** Replaces {@code conv}'s frames by {@code cached} (taken over by this cache) and frees the old ones. */
    void put(CogVideoXCausalConv3d conv, NDArray cached) {
        cached.attach(manager);
        NDArray old = frames.put(conv, cached);
        if (old != null) {
            old.close();
        }
    }

    /** Frees every cached frame. */
    @Override
    public void close() {
        frames.clear();
        manager.close();
    }
}
