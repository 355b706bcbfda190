package io.hunyuan4j.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;

/**
 * A 3D convolution that never looks at future frames: the input is padded by replicating its first frame
 * {@code k - 1} times in front (nothing behind) and its border pixels {@code k / 2} times on each side, then
 * convolved without padding. Weights {@code conv.weight [O, I, k, k, k]}, {@code conv.bias [O]}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L46">diffusers HunyuanVideoCausalConv3d</a>
 */
final class CausalConv3d {

    /**
     * A (t, h, w) stride.
     *
     * @param t frames
     * @param h height
     * @param w width
     */
    record Stride(int t, int h, int w) {
        static final Stride ONE = new Stride(1, 1, 1);
    }

    private final Parameter weight;
    private final Parameter bias;
    private final Stride stride;
    /** F.pad order: (w_left, w_right, h_top, h_bottom, t_front, t_back). */
    private final long[] timeCausalPadding;

    /**
     * Binds {@code conv.weight} and {@code conv.bias} under {@code w} (the module's own view).
     *
     * @param kernelSize the cubic kernel size k
     */
    CausalConv3d(StateDict w, int inChannels, int outChannels, int kernelSize, Stride stride) {
        StateDict conv = w.child("conv");
        this.weight = conv.take("weight", outChannels, inChannels, kernelSize, kernelSize, kernelSize);
        this.bias = conv.take("bias", outChannels);
        this.stride = stride;
        int k = kernelSize;
        this.timeCausalPadding = new long[] {k / 2, k / 2, k / 2, k / 2, k - 1, 0};
    }

    /**
     * Applies the convolution.
     *
     * @param hiddenStates [B, I, T, H, W]
     * @return [B, O, T', H', W'], in the input's manager
     */
    NDArray forward(NDArray hiddenStates) {
        NDArray padded = F.padReplicate(hiddenStates, timeCausalPadding);
        return F.conv3d(padded, weight.array(), bias.array(), new Shape(stride.t(), stride.h(), stride.w()),
                new Shape(0, 0, 0));
    }
}
