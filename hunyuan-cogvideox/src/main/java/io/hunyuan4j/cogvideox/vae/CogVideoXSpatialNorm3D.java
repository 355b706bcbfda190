package io.hunyuan4j.cogvideox.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.nn.GroupNorm;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * Spatially conditioned normalisation (MoVQ, arXiv 2209.09002): {@code GroupNorm(f) * conv_y(zq) + conv_b(zq)}
 * with {@code zq} the decoder's latent batch resized (nearest) to f's frames, height and width; when f has an
 * odd number of frames above one, the first latent frame is resized to f's first frame and the rest to the rest.
 * Weights {@code norm_layer.*} (GroupNorm, eps 1e-6), {@code conv_y.conv.*}, {@code conv_b.conv.*} (1x1x1).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_cogvideox.py#L148">diffusers CogVideoXSpatialNorm3D</a>
 */
final class CogVideoXSpatialNorm3D {

    /** diffusers fixes this norm's eps whatever {@code norm_eps} says. */
    static final float EPS = 1e-6f;

    private final GroupNorm normLayer;
    private final CogVideoXCausalConv3d convY;
    private final CogVideoXCausalConv3d convB;

    CogVideoXSpatialNorm3D(StateDict w, int fChannels, int zqChannels, int groups) {
        this.normLayer = new GroupNorm(w.child("norm_layer"), groups, fChannels, EPS);
        this.convY = new CogVideoXCausalConv3d(w.child("conv_y"), zqChannels, fChannels, 1);
        this.convB = new CogVideoXCausalConv3d(w.child("conv_b"), zqChannels, fChannels, 1);
    }

    /**
     * Normalises.
     *
     * @param f [B, C, T, H, W]
     * @param zq the latent batch [B, L, T', H', W']
     * @return [B, C, T, H, W], in f's manager
     */
    NDArray forward(NDArray f, NDArray zq, ConvCache cache) {
        return Scoped.keep(() -> {
            Shape s = f.getShape();
            long t = s.get(2);
            long h = s.get(3);
            long w = s.get(4);
            NDArray z;
            if (t > 1 && t % 2 == 1) {
                NDArray first = F.interpolateNearest3d(zq.get(":, :, :1"), 1, h, w);
                NDArray rest = F.interpolateNearest3d(zq.get(":, :, 1:"), t - 1, h, w);
                z = NDArrays.concat(new NDList(first, rest), 2);
            } else {
                z = F.interpolateNearest3d(zq, t, h, w);
            }
            NDArray y = convY.forward(z, cache);
            NDArray b = convB.forward(z, cache);
            return normLayer.forward(f).mul(y).add(b);
        }, f, zq);
    }
}
