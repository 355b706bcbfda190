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
 * Doubles H and W by nearest-neighbour interpolation (with {@code compress_time} also the frames: an odd count
 * above one keeps frame 0 single and doubles the rest, an even count doubles all, a single frame stays single),
 * then a 3x3 {@code nn.Conv2d} with padding 1 per frame ({@code conv.weight [O, I, 3, 3]}, {@code conv.bias [O]}),
 * with the frames as its batch.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/upsampling.py#L357">diffusers CogVideoXUpsample3D</a>
 */
final class CogVideoXUpsample3D {

    private final Parameter weight;
    private final Parameter bias;
    private final boolean compressTime;

    CogVideoXUpsample3D(StateDict w, int inChannels, int outChannels, boolean compressTime) {
        StateDict conv = w.child("conv");
        this.weight = conv.take("weight", outChannels, inChannels, 3, 3);
        this.bias = conv.take("bias", outChannels);
        this.compressTime = compressTime;
    }

    /**
     * Upsamples.
     *
     * @param x [B, C, T, H, W]
     * @return [B, O, T', 2 H, 2 W] with T' = T, or with time compression 1 + 2 (T - 1) (odd T > 1) or 2 T
     */
    NDArray forward(NDArray x) {
        NDArray up = Scoped.apply(x, this::interpolate);
        return Scoped.consume(up, h -> perFrame(h, 1, 1));
    }

    private NDArray interpolate(NDArray x) {
        Shape s = x.getShape();
        long t = s.get(2);
        long h = 2 * s.get(3);
        long w = 2 * s.get(4);
        if (!compressTime || t == 1) {
            return F.interpolateNearest3d(x, t, h, w);
        }
        if (t % 2 == 1) {
            NDArray first = F.interpolateNearest3d(x.get(":, :, 0:1"), 1, h, w);
            NDArray rest = F.interpolateNearest3d(x.get(":, :, 1:"), 2 * (t - 1), h, w);
            return NDArrays.concat(new NDList(first, rest), 2);
        }
        return F.interpolateNearest3d(x, 2 * t, h, w);
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
