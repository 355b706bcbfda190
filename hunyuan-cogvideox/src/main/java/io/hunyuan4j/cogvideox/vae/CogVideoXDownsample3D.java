package io.hunyuan4j.cogvideox.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;

/**
 * Halves H and W (and with {@code compress_time} the frames): time is average-pooled in pairs (an odd count keeps
 * frame 0 as it is and pools the rest), then each frame is zero-padded by one row at the bottom and one column
 * on the right and convolved by a 3x3 stride-2 {@code nn.Conv2d} ({@code conv.weight [O, I, 3, 3]},
 * {@code conv.bias [O]}), with the frames as its batch.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/downsampling.py#L286">diffusers CogVideoXDownsample3D</a>
 */
final class CogVideoXDownsample3D {

    private final Parameter weight;
    private final Parameter bias;
    private final boolean compressTime;

    CogVideoXDownsample3D(StateDict w, int inChannels, int outChannels, boolean compressTime) {
        StateDict conv = w.child("conv");
        this.weight = conv.take("weight", outChannels, inChannels, 3, 3);
        this.bias = conv.take("bias", outChannels);
        this.compressTime = compressTime;
    }

    /**
     * Downsamples.
     *
     * @param x [B, C, T, H, W]
     * @return [B, O, T', ceil(H / 2), ceil(W / 2)] with T' = T, or with time compression T / 2 (even T) or
     *     1 + (T - 1) / 2 (odd T)
     */
    NDArray forward(NDArray x) {
        return Scoped.keep(() -> {
            NDArray h = compressTime ? poolTime(x) : x;
            Shape s = h.getShape();
            // F.pad(x, (0, 1, 0, 1)): one zero column on the right, one zero row at the bottom
            NDArray zeroRow = h.getManager().zeros(new Shape(s.get(0), s.get(1), s.get(2), 1, s.get(4)),
                    h.getDataType());
            h = NDArrays.concat(new NDList(h, zeroRow), 3);
            NDArray zeroColumn = h.getManager().zeros(new Shape(s.get(0), s.get(1), s.get(2), s.get(3) + 1, 1),
                    h.getDataType());
            h = NDArrays.concat(new NDList(h, zeroColumn), 4);
            return perFrame(h, 2, 0);
        }, x);
    }

    /** {@code avg_pool1d(kernel 2, stride 2)} over time, frame 0 kept alone when the count is odd. */
    private static NDArray poolTime(NDArray x) {
        long t = x.getShape().get(2);
        if (t % 2 == 1) {
            NDArray first = x.get(":, :, 0:1");
            if (t == 1) {
                return first;
            }
            return NDArrays.concat(new NDList(first, pairMean(x.get(":, :, 1:"))), 2);
        }
        return pairMean(x);
    }

    /** (x[2i] + x[2i + 1]) / 2 over an even frame count: avg_pool1d's sum over the window, then / 2. */
    private static NDArray pairMean(NDArray x) {
        return x.get(":, :, 0::2").add(x.get(":, :, 1::2")).div(2f);
    }

    /** The 2D convolution on every frame: [B, C, T, H, W] -> [B * T, C, H, W] -> conv -> [B, O, T, H', W']. */
    private NDArray perFrame(NDArray x, int stride, int padding) {
        Shape s = x.getShape();
        NDArray frames = x.transpose(0, 2, 1, 3, 4).reshape(s.get(0) * s.get(2), s.get(1), s.get(3), s.get(4));
        NDArray y = F.conv2d(frames, weight.array(), bias.array(), new Shape(stride, stride),
                new Shape(padding, padding));
        Shape o = y.getShape();
        return y.reshape(s.get(0), s.get(2), o.get(1), o.get(2), o.get(3)).transpose(0, 2, 1, 3, 4);
    }
}
