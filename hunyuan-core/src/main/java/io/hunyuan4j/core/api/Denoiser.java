package io.hunyuan4j.core.api;

import io.hunyuan4j.core.cache.CacheContext;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.ops.ComputeDtype;
import org.jspecify.annotations.Nullable;

/** The denoising model as the pipeline sees it (the HunyuanVideo DiT implements it). */
public interface Denoiser extends AutoCloseable {

    /**
     * One forward pass.
     *
     * @return the predicted velocity, same shape as {@code input.hiddenStates()}, in its manager
     */
    NDArray forward(DenoiserInput input);

    /**
     * One forward pass whose block stack a step cache may skip or approximate ({@code context} is this call's
     * guidance branch in the cache's session, e.g. {@code session.context("cond")}).
     *
     * @throws UnsupportedOperationException if {@link #supportsStepCache()} is false
     */
    default NDArray forward(DenoiserInput input, CacheContext context) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support step caching");
    }

    /** Whether {@link #forward(DenoiserInput, CacheContext)} is implemented. */
    default boolean supportsStepCache() {
        return false;
    }

    /** Latent channels the model takes. */
    int inChannels();

    /** Spatial patch size (2). */
    int patchSize();

    /** Temporal patch size (1). */
    int patchSizeT();

    /** Whether the model embeds distilled guidance (then {@link DenoiserInput#guidance()} is required). */
    boolean guidanceEmbeds();

    /**
     * The device its weights compute on, or null if it does not say; the pipeline's builder checks a declared
     * device against its own.
     */
    default @Nullable Device device() {
        return null;
    }

    /**
     * The precision it computes in, or null if it does not say; the pipeline's builder checks a declared dtype
     * against its own.
     */
    default @Nullable ComputeDtype computeDtype() {
        return null;
    }

    /** Releases the weights. */
    @Override
    void close();
}
