package io.hunyuan4j.cogvideox.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.weights.StateDict;

/**
 * CogVideoX's causal convolution ({@code pad_mode="first"}): in front of the frames go the {@code k - 1} frames
 * cached from the previous frame batch, or in the first batch {@code k - 1} copies of the FIRST frame; H and W
 * are zero-padded by {@code (k - 1) / 2} inside the convolution. The last {@code k - 1} padded input frames are
 * cached for the next batch. Weights {@code conv.weight [O, I, k, k, k]}, {@code conv.bias [O]}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_cogvideox.py#L66">diffusers CogVideoXCausalConv3d</a>
 */
final class CogVideoXCausalConv3d {

    private final CogVideoXSafeConv3d conv;
    private final int timeKernelSize;

    /** Binds {@code conv.*} under {@code w} (the module's own view); kernel k in t, h and w. */
    CogVideoXCausalConv3d(StateDict w, int inChannels, int outChannels, int kernelSize) {
        this.conv = new CogVideoXSafeConv3d(w.child("conv"), inChannels, outChannels, kernelSize,
                (kernelSize - 1) / 2);
        this.timeKernelSize = kernelSize;
    }

    /**
     * Convolves one frame batch, reading and updating this convolution's entry of {@code cache}.
     *
     * @param x [B, I, T, H, W]
     * @return [B, O, T, H, W], in the input's manager
     */
    NDArray forward(NDArray x, ConvCache cache) {
        int k = timeKernelSize;
        if (k == 1) {
            // diffusers caches the whole input of a 1-frame kernel, but never reads it back
            return conv.forward(x);
        }
        NDArray cached = cache.get(this);
        NDArray[] lent = cached == null ? new NDArray[] {x} : new NDArray[] {x, cached};
        NDList out = Scoped.run(() -> {
            NDList parts = new NDList();
            if (cached == null) {
                NDArray first = x.get(":, :, 0:1");
                for (int i = 0; i < k - 1; i++) {
                    parts.add(first);
                }
            } else {
                parts.add(cached);
            }
            parts.add(x);
            NDArray padded = NDArrays.concat(parts, 2);
            long t = padded.getShape().get(2);
            NDArray tail = padded.get(new NDIndex(":, :, {}:", t - (k - 1))).duplicate();
            return new NDList(conv.forward(padded), tail);
        }, new NDArray[0], lent);
        cache.put(this, out.get(1));
        return out.get(0);
    }
}
