package io.hunyuan4j.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * {@code torch.nn.Conv2d} with zero padding, no dilation and one group: {@code weight [O, I, kH, kW]},
 * {@code bias [O]}. The 2D sibling of {@link Conv3d}.
 *
 * @see <a href="https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html">torch.nn.Conv2d</a>
 */
public final class Conv2d {

    /**
     * An (h, w) pair of kernel sizes, strides or paddings.
     *
     * @param h height
     * @param w width
     */
    public record Size2(long h, long w) {
        /** The same value on both axes (torch's {@code int} argument). */
        public static Size2 of(long v) {
            return new Size2(v, v);
        }

        /** As a DJL shape (h, w). */
        public Shape shape() {
            return new Shape(h, w);
        }
    }

    /**
     * The {@code nn.Conv2d} constructor arguments.
     *
     * @param inChannels I
     * @param outChannels O
     * @param kernel kernel size
     * @param stride stride
     * @param padding zero padding on each side
     * @param bias whether a bias is bound
     */
    public record Spec(long inChannels, long outChannels, Size2 kernel, Size2 stride, Size2 padding, boolean bias) {
        /** {@code nn.Conv2d(in, out, kernel_size=k, stride=s, padding=p)} with square sizes and a bias. */
        public static Spec of(long inChannels, long outChannels, long kernel, long stride, long padding) {
            return new Spec(inChannels, outChannels, Size2.of(kernel), Size2.of(stride), Size2.of(padding), true);
        }
    }

    private final Parameter weight;
    private final @Nullable Parameter bias;
    private final Spec spec;

    /** Binds {@code weight [O, I, kH, kW]} (and {@code bias [O]}) under {@code w}. */
    public Conv2d(StateDict w, Spec spec) {
        Size2 k = spec.kernel();
        this.weight = w.take("weight", spec.outChannels(), spec.inChannels(), k.h(), k.w());
        this.bias = spec.bias() ? w.take("bias", spec.outChannels()) : null;
        this.spec = spec;
    }

    /**
     * Applies the convolution.
     *
     * @param x [B, I, H, W]
     * @return [B, O, H', W'], in the input's manager
     */
    public NDArray forward(NDArray x) {
        Parameter b = bias;
        return F.conv2d(x, weight.array(), b == null ? null : b.array(), spec.stride().shape(), spec.padding().shape());
    }
}
