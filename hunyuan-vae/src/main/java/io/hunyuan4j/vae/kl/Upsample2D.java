package io.hunyuan4j.vae.kl;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Conv2d;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * The decoder's upsampler ({@code Upsample2D(C, use_conv=True)}): nearest-neighbour 2x
 * ({@code F.interpolate(x, scale_factor=2.0, mode="nearest")}), then a 3x3 convolution with padding 1. Weights
 * {@code conv.*}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/upsampling.py#L74">diffusers Upsample2D</a>
 */
final class Upsample2D {

    private final Conv2d conv;

    Upsample2D(StateDict w, int channels, int outChannels) {
        this.conv = new Conv2d(w.child("conv"), Conv2d.Spec.of(channels, outChannels, 3, 1, 1));
    }

    /**
     * Upsamples.
     *
     * @param hiddenStates [B, C, H, W]
     * @return [B, C_out, 2 H, 2 W], in the input's manager
     */
    NDArray forward(NDArray hiddenStates) {
        NDArray upsampled = Scoped.apply(hiddenStates, Upsample2D::nearest2x);
        return Scoped.consume(upsampled, conv::forward);
    }

    /** Nearest 2x as the 3D op on a one-frame view: [B, C, H, W] -> [B, C, 1, H, W] -> [B, C, 2 H, 2 W]. */
    private static NDArray nearest2x(NDArray x) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        return F.interpolateNearest3d(x.expandDims(2), 1, 2 * h, 2 * w).squeeze(2);
    }
}
