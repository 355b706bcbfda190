package io.hunyuan4j.cogvideox.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;

/**
 * {@code nn.Conv3d} (cubic kernel k, stride 1, zero padding (0, p, p) with no time padding) that splits a large
 * input along time: above 2 GiB at 2 bytes a value it convolves {@code int(GiB / 2) + 1} chunks
 * ({@code torch.chunk}), each after the previous chunk's last {@code k - 1} frames, and concatenates the
 * outputs. With no time padding this is the same result as one convolution, with a smaller peak. Weights
 * {@code weight [O, I, k, k, k]}, {@code bias [O]}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_cogvideox.py#L36">diffusers CogVideoXSafeConv3d</a>
 */
final class CogVideoXSafeConv3d {

    /** diffusers' threshold, in GiB of 2-byte values. */
    private static final double CHUNK_GIB = 2;

    private final Parameter weight;
    private final Parameter bias;
    private final int kernelSize;
    private final Shape padding;

    /**
     * Binds {@code weight} and {@code bias} under {@code w}.
     *
     * @param spatialPadding zero padding of H and W on each side
     */
    CogVideoXSafeConv3d(StateDict w, int inChannels, int outChannels, int kernelSize, int spatialPadding) {
        this.weight = w.take("weight", outChannels, inChannels, kernelSize, kernelSize, kernelSize);
        this.bias = w.take("bias", outChannels);
        this.kernelSize = kernelSize;
        this.padding = new Shape(0, spatialPadding, spatialPadding);
    }

    /**
     * Convolves.
     *
     * @param x [B, I, T, H, W] with T >= k
     * @return [B, O, T - k + 1, H', W'], in the input's manager
     */
    NDArray forward(NDArray x) {
        double memoryCount = x.getShape().size() * 2.0 / (1L << 30);
        if (memoryCount <= CHUNK_GIB) {
            return conv(x);
        }
        int partNum = (int) (memoryCount / CHUNK_GIB) + 1;
        long frames = x.getShape().get(2);
        long chunk = (frames + partNum - 1) / partNum; // torch.chunk: ceil-sized chunks, fewer if they run out
        NDList outputs = new NDList();
        try {
            for (long start = 0; start < frames; start += chunk) {
                long end = Math.min(frames, start + chunk);
                // each later chunk starts with the previous chunk's last k - 1 frames (all of it if shorter)
                long from = start == 0 ? 0 : Math.max(start - chunk, start - (kernelSize - 1));
                NDIndex slice = new NDIndex(":, :, {}:{}", from, end);
                outputs.add(Scoped.keep(() -> conv(x.get(slice)), x));
            }
            return NDArrays.concat(outputs, 2);
        } finally {
            outputs.close();
        }
    }

    private NDArray conv(NDArray x) {
        return F.conv3d(x, weight.array(), bias.array(), new Shape(1, 1, 1), padding);
    }
}
