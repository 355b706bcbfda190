package io.hunyuan4j.core.nn;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.WeightAdapter;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code torch.nn.Linear}: {@code y = x W^T + b}, weights {@code weight [out, in]} and {@code bias [out]}.
 *
 * @see <a href="https://pytorch.org/docs/stable/generated/torch.nn.Linear.html">torch.nn.Linear</a>
 */
public final class Linear {

    private final Parameter weight;
    private final @Nullable Parameter bias;
    private final long inFeatures;
    private final long outFeatures;

    /**
     * Binds {@code weight} and (if {@code bias}) {@code bias} under {@code w}.
     *
     * @param w the module's view, e.g. {@code w.child("to_q")}
     */
    public Linear(StateDict w, long inFeatures, long outFeatures, boolean bias) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = w.take("weight", outFeatures, inFeatures);
        this.bias = bias ? w.take("bias", outFeatures) : null;
    }

    /** With a bias, as {@code nn.Linear}'s default. */
    public Linear(StateDict w, long inFeatures, long outFeatures) {
        this(w, inFeatures, outFeatures, true);
    }

    /**
     * Applies the layer.
     *
     * @param x [..., in]
     * @return [..., out], in {@code x}'s manager
     */
    public NDArray forward(NDArray x) {
        Parameter b = bias;
        NDArray y = F.linear(x, weight.array(), b == null ? null : b.array());
        WeightAdapter adapter = weight.adapter();
        NDArray extra = adapter == null ? null : adapter.linearExtra(x);
        if (extra == null) {
            return y;
        }
        // an unfused LoRA: y + scale * (x A^T) B^T, summed over the active adapters
        NDArray sum = y.add(extra);
        y.close();
        extra.close();
        return sum;
    }

    /** The bound tensors: {@code weight}, then {@code bias} when the layer has one. */
    public List<Parameter> parameters() {
        Parameter b = bias;
        return b == null ? List.of(weight) : List.of(weight, b);
    }

    /** Input width. */
    public long inFeatures() {
        return inFeatures;
    }

    /** Output width. */
    public long outFeatures() {
        return outFeatures;
    }
}
