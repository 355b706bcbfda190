package io.hunyuan4j.core.nn;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code RMSNorm(dim, eps, elementwise_affine=True)}: {@code x * rsqrt(mean(x^2) + eps) * weight}
 * over the last axis.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/normalization.py">diffusers RMSNorm</a>
 */
public final class RmsNorm {

    private final Parameter weight;
    private final float eps;

    /** Binds {@code weight [dim]} under {@code w}. */
    public RmsNorm(StateDict w, long dim, float eps) {
        this.weight = w.take("weight", dim);
        this.eps = eps;
    }

    /**
     * Normalises the last axis.
     *
     * @param x [..., dim]
     */
    public NDArray forward(NDArray x) {
        return F.rmsNorm(x, weight.array(), eps);
    }
}
