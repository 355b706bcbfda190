package io.hunyuan4j.cogvideox.vae;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The middle of the encoder or decoder: residual blocks of constant width ({@code resnets.<i>.*}; two in the
 * VAE), spatially normalised in the decoder. No attention.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_cogvideox.py#L440">diffusers CogVideoXMidBlock3D</a>
 */
final class CogVideoXMidBlock3D {

    /** diffusers builds both mid blocks with two residual blocks. */
    static final int NUM_LAYERS = 2;

    private final List<CogVideoXResnetBlock3D> resnets = new ArrayList<>();

    /** @param spatialNormDim latent channels for the decoder's spatial norms, null in the encoder */
    CogVideoXMidBlock3D(StateDict w, int channels, int numLayers, float eps, int groups,
            @Nullable Integer spatialNormDim) {
        for (int i = 0; i < numLayers; i++) {
            resnets.add(new CogVideoXResnetBlock3D(w.child("resnets", i), channels, channels, groups, eps,
                    spatialNormDim));
        }
    }

    /** Applies the blocks to one frame batch; the result is in the input's manager. */
    NDArray forward(NDArray x, @Nullable NDArray zq, ConvCache cache) {
        NDArray h = x;
        for (int i = 0; i < resnets.size(); i++) {
            CogVideoXResnetBlock3D resnet = resnets.get(i);
            h = i == 0 ? Scoped.apply(h, t -> resnet.forward(t, zq, cache))
                    : Scoped.consume(h, t -> resnet.forward(t, zq, cache));
        }
        return h;
    }
}
