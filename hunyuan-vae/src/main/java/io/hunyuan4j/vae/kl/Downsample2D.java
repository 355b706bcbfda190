package io.hunyuan4j.vae.kl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.nn.Conv2d;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.weights.StateDict;

/**
 * The encoder's downsampler ({@code Downsample2D(C, use_conv=True, padding=0, name="op")}): zero padding of one
 * column on the right and one row at the bottom ({@code F.pad(x, (0, 1, 0, 1))}), then a 3x3 convolution with
 * stride 2 and no padding, so n rows become {@code floor(n / 2)} (n at least 2). Weights {@code conv.*}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/downsampling.py#L67">diffusers Downsample2D</a>
 */
final class Downsample2D {

    private final Conv2d conv;

    Downsample2D(StateDict w, int channels, int outChannels) {
        this.conv = new Conv2d(w.child("conv"), Conv2d.Spec.of(channels, outChannels, 3, 2, 0));
    }

    /**
     * Downsamples.
     *
     * @param hiddenStates [B, C, H, W] with H, W at least 2
     * @return [B, C_out, H / 2, W / 2] (floored), in the input's manager
     */
    NDArray forward(NDArray hiddenStates) {
        // pad = (0, 1, 0, 1): DJL's pad lists the last axis first, as torch's
        NDArray padded = Scoped.apply(hiddenStates, x -> x.pad(new Shape(0, 1, 0, 1), 0));
        return Scoped.consume(padded, conv::forward);
    }

    /** Output length of one axis of length n: {@code floor((n + 1 - 3) / 2) + 1 = floor(n / 2)} for n >= 2. */
    static long outLength(long n) {
        return n / 2;
    }
}
