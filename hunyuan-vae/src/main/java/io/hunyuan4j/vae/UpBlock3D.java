package io.hunyuan4j.vae;

import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A decoder stage: {@code num_layers} residual blocks ({@code resnets.i}), then an optional causal upsampler
 * ({@code upsamplers.0}).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L340">diffusers HunyuanVideoUpBlock3D</a>
 */
final class UpBlock3D {

    private final List<ResnetBlockCausal3D> resnets = new ArrayList<>();
    private final @Nullable UpsampleCausal3D upsampler;

    /**
     * @param upsampleScaleFactor (t, h, w) factors, or null for no upsampler
     */
    UpBlock3D(StateDict w, int inChannels, int outChannels, int numLayers, int resnetGroups,
            CausalConv3d.@Nullable Stride upsampleScaleFactor) {
        for (int i = 0; i < numLayers; i++) {
            resnets.add(new ResnetBlockCausal3D(w.child("resnets", i), i == 0 ? inChannels : outChannels,
                    outChannels, resnetGroups));
        }
        this.upsampler = upsampleScaleFactor == null ? null
                : new UpsampleCausal3D(w.child("upsamplers", 0), outChannels, outChannels, upsampleScaleFactor);
    }

    /**
     * Applies the stage; frees each intermediate activation as soon as the next exists.
     *
     * @param hiddenStates [B, C_in, T, H, W]
     * @return [B, C_out, T', H', W'], in the input's manager
     */
    NDArray forward(NDArray hiddenStates) {
        NDArray h = Scoped.apply(hiddenStates, resnets.get(0)::forward);
        for (int i = 1; i < resnets.size(); i++) {
            h = Scoped.consume(h, resnets.get(i)::forward);
        }
        UpsampleCausal3D up = upsampler;
        if (up != null) {
            h = Scoped.consume(h, up::forward);
        }
        return h;
    }
}
