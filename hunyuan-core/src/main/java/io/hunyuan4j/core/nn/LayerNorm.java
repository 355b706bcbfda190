package io.hunyuan4j.core.nn;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code torch.nn.LayerNorm(dim, eps, elementwise_affine)} over the last axis. Without affine it holds no
 * weights (diffusers' AdaLN norms).
 *
 * @see <a href="https://pytorch.org/docs/stable/generated/torch.nn.LayerNorm.html">torch.nn.LayerNorm</a>
 */
public final class LayerNorm {

    private final @Nullable Parameter weight;
    private final @Nullable Parameter bias;
    private final float eps;

    private LayerNorm(@Nullable Parameter weight, @Nullable Parameter bias, float eps) {
        this.weight = weight;
        this.bias = bias;
        this.eps = eps;
    }

    /** With {@code weight [dim]} and {@code bias [dim]} bound under {@code w}. */
    public static LayerNorm affine(StateDict w, long dim, float eps) {
        return new LayerNorm(w.take("weight", dim), w.take("bias", dim), eps);
    }

    /** {@code elementwise_affine=False}: no weights. */
    public static LayerNorm noAffine(float eps) {
        return new LayerNorm(null, null, eps);
    }

    /**
     * Normalises the last axis.
     *
     * @param x [..., dim]
     */
    public NDArray forward(NDArray x) {
        Parameter w = weight;
        Parameter b = bias;
        if (w == null) {
            return F.layerNorm(x, eps);
        }
        return F.layerNorm(x, w.array(), b == null ? null : b.array(), eps);
    }

    /** The bound tensors: {@code weight} and {@code bias}, none without affine parameters. */
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>(2);
        if (weight != null) {
            p.add(weight);
        }
        if (bias != null) {
            p.add(bias);
        }
        return List.copyOf(p);
    }
}
