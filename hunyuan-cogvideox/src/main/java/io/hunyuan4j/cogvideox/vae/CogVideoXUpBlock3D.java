package io.hunyuan4j.cogvideox.vae;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A decoder level: {@code num_layers} spatially normalised residual blocks ({@code resnets.<i>.*}), then, except
 * in the last level, a {@link CogVideoXUpsample3D} ({@code upsamplers.0.*}).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_cogvideox.py#L525">diffusers CogVideoXUpBlock3D</a>
 */
final class CogVideoXUpBlock3D {

    private final List<CogVideoXResnetBlock3D> resnets = new ArrayList<>();
    private final @Nullable CogVideoXUpsample3D upsampler;

    CogVideoXUpBlock3D(StateDict w, int inChannels, int outChannels, int numLayers, float eps, int groups,
            int spatialNormDim, boolean addUpsample, boolean compressTime) {
        for (int i = 0; i < numLayers; i++) {
            resnets.add(new CogVideoXResnetBlock3D(w.child("resnets", i), i == 0 ? inChannels : outChannels,
                    outChannels, groups, eps, spatialNormDim));
        }
        this.upsampler = addUpsample
                ? new CogVideoXUpsample3D(w.child("upsamplers", 0), outChannels, outChannels, compressTime)
                : null;
    }

    /** Applies the level to one frame batch, conditioned on its latents {@code zq}; result in the input's manager. */
    NDArray forward(NDArray x, NDArray zq, ConvCache cache) {
        NDArray h = Scoped.apply(x, t -> resnets.get(0).forward(t, zq, cache));
        for (int i = 1; i < resnets.size(); i++) {
            CogVideoXResnetBlock3D resnet = resnets.get(i);
            h = Scoped.consume(h, t -> resnet.forward(t, zq, cache));
        }
        CogVideoXUpsample3D up = upsampler;
        return up == null ? h : Scoped.consume(h, up::forward);
    }
}
