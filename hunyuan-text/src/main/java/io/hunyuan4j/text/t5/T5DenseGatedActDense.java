package io.hunyuan4j.text.t5;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * The T5 feed-forward, gated ({@code wo(act(wi_0 x) * wi_1 x)}, T5 v1.1 and mT5) or not ({@code wo(act(wi x))},
 * T5 v1.0), no biases. transformers has one class for each; they differ only in these two lines, so one class
 * covers both.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/t5/modeling_t5.py">transformers T5DenseGatedActDense, T5DenseActDense</a>
 */
public final class T5DenseGatedActDense {

    private final T5Config config;
    private final Linear wi0;
    private final Linear wi1;
    private final Linear wo;

    /** Binds {@code wi_0}, {@code wi_1}, {@code wo} (gated) or {@code wi}, {@code wo}. */
    public T5DenseGatedActDense(StateDict w, T5Config c) {
        this.config = c;
        if (c.isGatedAct()) {
            this.wi0 = new Linear(w.child("wi_0"), c.dModel(), c.dFf(), false);
            this.wi1 = new Linear(w.child("wi_1"), c.dModel(), c.dFf(), false);
        } else {
            this.wi0 = new Linear(w.child("wi"), c.dModel(), c.dFf(), false);
            this.wi1 = wi0;
        }
        this.wo = new Linear(w.child("wo"), c.dFf(), c.dModel(), false);
    }

    /**
     * @param hiddenStates [B, L, d_model]
     * @return [B, L, d_model]
     */
    public NDArray forward(NDArray hiddenStates) {
        NDArray hidden = act(wi0.forward(hiddenStates));
        if (config.isGatedAct()) {
            hidden = hidden.mul(wi1.forward(hiddenStates));
        }
        return wo.forward(hidden);
    }

    private NDArray act(NDArray x) {
        return switch (config.denseActFn()) {
            case GELU_NEW -> F.geluTanh(x);
            case GELU -> F.gelu(x);
            case RELU -> x.getNDArrayInternal().relu();
            case SILU -> F.silu(x);
        };
    }
}
