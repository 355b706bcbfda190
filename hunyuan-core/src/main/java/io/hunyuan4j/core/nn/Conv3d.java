package io.hunyuan4j.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * {@code torch.nn.Conv3d} with zero padding, no dilation and one group: {@code weight [O, I, kT, kH, kW]},
 * {@code bias [O]}.
 *
 * @see <a href="https://pytorch.org/docs/stable/generated/torch.nn.Conv3d.html">torch.nn.Conv3d</a>
 */
public final class Conv3d {

    /**
     * A (t, h, w) triple of kernel sizes, strides or paddings.
     *
     * @param t frames
     * @param h height
     * @param w width
     */
    public record Size3(long t, long h, long w) {
        /** As a DJL shape (t, h, w). */
        public Shape shape() {
            return new Shape(t, h, w);
        }
    }

    /**
     * The {@code nn.Conv3d} constructor arguments.
     *
     * @param inChannels I
     * @param outChannels O
     * @param kernel kernel size
     * @param stride stride
     * @param padding zero padding on each side
     * @param bias whether a bias is bound
     */
    public record Spec(long inChannels, long outChannels, Size3 kernel, Size3 stride, Size3 padding, boolean bias) {
        /** Non-overlapping patches: stride = kernel, no padding, with bias (a patch embedding). */
        public static Spec patchify(long inChannels, long outChannels, Size3 kernel) {
            return new Spec(inChannels, outChannels, kernel, kernel, new Size3(0, 0, 0), true);
        }
    }

    private final Parameter weight;
    private final @Nullable Parameter bias;
    private final Spec spec;

    /** Binds {@code weight [O, I, kT, kH, kW]} (and {@code bias [O]}) under {@code w}. */
    public Conv3d(StateDict w, Spec spec) {
        Size3 k = spec.kernel();
        this.weight = w.take("weight", spec.outChannels(), spec.inChannels(), k.t(), k.h(), k.w());
        this.bias = spec.bias() ? w.take("bias", spec.outChannels()) : null;
        this.spec = spec;
    }

    /**
     * Applies the convolution.
     *
     * @param x [B, I, T, H, W]
     * @return [B, O, T', H', W']
     */
    public NDArray forward(NDArray x) {
        Parameter b = bias;
        return F.conv3d(x, weight.array(), b == null ? null : b.array(), spec.stride().shape(), spec.padding().shape());
    }
}
