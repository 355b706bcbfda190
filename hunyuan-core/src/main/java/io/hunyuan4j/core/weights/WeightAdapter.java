package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * A change to one weight that outlives its data: the offloader may release and re-read a parameter at every
 * onload, and the adapter applies again each time. LoRA uses it in two ways: merged into the weight as it is
 * loaded ({@link #onLoad}), or kept separate as an extra low-rank term of the linear layer ({@link #linearExtra}).
 */
public interface WeightAdapter {

    /**
     * The data modules compute with, given freshly loaded base data (which the adapter may modify in place and
     * return).
     *
     * @param base the stored weight in the compute dtype, owned by the caller's manager
     */
    NDArray onLoad(Parameter parameter, NDArray base);

    /**
     * An extra output of a linear layer whose weight this adapts: {@code y = x W^T + b + linearExtra(x)}.
     *
     * @param x [..., in], compute dtype
     * @return [..., out] in x's dtype and manager, or null when nothing is added
     */
    @Nullable NDArray linearExtra(NDArray x);
}
