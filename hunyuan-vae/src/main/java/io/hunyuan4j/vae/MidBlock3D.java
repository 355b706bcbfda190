package io.hunyuan4j.vae;

import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The bottleneck: {@code resnets.0}, then per layer the frame-causal attention {@code attentions.i} (when
 * {@code add_attention}) followed by {@code resnets.i+1}. The reference builds one layer.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L186">diffusers HunyuanVideoMidBlock3D</a>
 */
final class MidBlock3D {

    /** {@code num_layers}: the encoder and decoder use the default. */
    static final int NUM_LAYERS = 1;

    private final List<ResnetBlockCausal3D> resnets = new ArrayList<>();
    private final List<@Nullable VaeAttention> attentions = new ArrayList<>();

    MidBlock3D(StateDict w, int inChannels, int resnetGroups, boolean addAttention, AttentionBackend backend) {
        resnets.add(new ResnetBlockCausal3D(w.child("resnets", 0), inChannels, inChannels, resnetGroups));
        for (int i = 0; i < NUM_LAYERS; i++) {
            attentions.add(addAttention
                    ? new VaeAttention(w.child("attentions", i), inChannels, resnetGroups, backend) : null);
            resnets.add(new ResnetBlockCausal3D(w.child("resnets", i + 1), inChannels, inChannels, resnetGroups));
        }
    }

    /**
     * Applies the block.
     *
     * @param hiddenStates [B, C, T, H, W]
     * @return [B, C, T, H, W], in the input's manager
     */
    NDArray forward(NDArray hiddenStates) {
        NDArray h = Scoped.apply(hiddenStates, resnets.get(0)::forward);
        for (int i = 0; i < attentions.size(); i++) {
            VaeAttention attn = attentions.get(i);
            if (attn != null) {
                h = Scoped.consume(h, attn::forward);
            }
            h = Scoped.consume(h, resnets.get(i + 1)::forward);
        }
        return h;
    }
}
