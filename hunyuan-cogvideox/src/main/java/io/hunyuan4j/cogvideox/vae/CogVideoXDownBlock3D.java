package io.hunyuan4j.cogvideox.vae;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An encoder level: {@code num_layers} GroupNorm residual blocks ({@code resnets.<i>.*}), then, except in the
 * last level, a {@link CogVideoXDownsample3D} ({@code downsamplers.0.*}).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_cogvideox.py#L345">diffusers CogVideoXDownBlock3D</a>
 */
final class CogVideoXDownBlock3D {

    private final List<CogVideoXResnetBlock3D> resnets = new ArrayList<>();
    private final @Nullable CogVideoXDownsample3D downsampler;

    CogVideoXDownBlock3D(StateDict w, int inChannels, int outChannels, int numLayers, float eps, int groups,
            boolean addDownsample, boolean compressTime) {
        for (int i = 0; i < numLayers; i++) {
            resnets.add(new CogVideoXResnetBlock3D(w.child("resnets", i), i == 0 ? inChannels : outChannels,
                    outChannels, groups, eps, null));
        }
        this.downsampler = addDownsample
                ? new CogVideoXDownsample3D(w.child("downsamplers", 0), outChannels, outChannels, compressTime)
                : null;
    }

    /** Applies the level to one frame batch; the result is in the input's manager. */
    NDArray forward(NDArray x, ConvCache cache) {
        NDArray h = Scoped.apply(x, t -> resnets.get(0).forward(t, null, cache));
        for (int i = 1; i < resnets.size(); i++) {
            CogVideoXResnetBlock3D resnet = resnets.get(i);
            h = Scoped.consume(h, t -> resnet.forward(t, null, cache));
        }
        CogVideoXDownsample3D down = downsampler;
        return down == null ? h : Scoped.consume(h, down::forward);
    }
}
