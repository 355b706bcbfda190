package io.hunyuan4j.vae;

import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An encoder stage: {@code num_layers} residual blocks ({@code resnets.i}), then an optional strided causal
 * downsampler ({@code downsamplers.0}).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L271">diffusers HunyuanVideoDownBlock3D</a>
 */
final class DownBlock3D {

    private final List<ResnetBlockCausal3D> resnets = new ArrayList<>();
    private final @Nullable DownsampleCausal3D downsampler;

    /**
     * @param downsampleStride the downsampler's (t, h, w) stride, or null for no downsampler
     */
    DownBlock3D(StateDict w, int inChannels, int outChannels, int numLayers, int resnetGroups,
            CausalConv3d.@Nullable Stride downsampleStride) {
        for (int i = 0; i < numLayers; i++) {
            resnets.add(new ResnetBlockCausal3D(w.child("resnets", i), i == 0 ? inChannels : outChannels,
                    outChannels, resnetGroups));
        }
        this.downsampler = downsampleStride == null ? null
                : new DownsampleCausal3D(w.child("downsamplers", 0), outChannels, outChannels, downsampleStride);
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
        DownsampleCausal3D down = downsampler;
        if (down != null) {
            h = Scoped.consume(h, down::forward);
        }
        return h;
    }
}
