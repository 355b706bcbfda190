package io.hunyuan4j.vae;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.weights.StateDict;

/**
 * A strided causal 3x3x3 convolution that halves height and width, and the frame count when its temporal stride
 * is 2 (causally: T frames become {@code (T - 1) / 2 + 1}). Weights {@code conv.conv.*}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L120">diffusers HunyuanVideoDownsampleCausal3D</a>
 */
final class DownsampleCausal3D {

    private final CausalConv3d conv;

    DownsampleCausal3D(StateDict w, int channels, int outChannels, CausalConv3d.Stride stride) {
        this.conv = new CausalConv3d(w.child("conv"), channels, outChannels, 3, stride);
    }

    /**
     * Downsamples.
     *
     * @param hiddenStates [B, C, T, H, W]
     * @return [B, C_out, T', H', W'], in the input's manager
     */
    NDArray forward(NDArray hiddenStates) {
        return conv.forward(hiddenStates);
    }
}
