package io.hunyuan4j.text.t5;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.RmsNorm;
import io.hunyuan4j.core.weights.StateDict;

/**
 * Pre-norm feed-forward sub-layer: {@code x + DenseReluDense(layer_norm(x))}.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/t5/modeling_t5.py">transformers T5LayerFF</a>
 */
public final class T5LayerFF {

    private final T5DenseGatedActDense denseReluDense;
    private final RmsNorm layerNorm;

    /** Binds {@code DenseReluDense} and {@code layer_norm}. */
    public T5LayerFF(StateDict w, T5Config c) {
        this.denseReluDense = new T5DenseGatedActDense(w.child("DenseReluDense"), c);
        this.layerNorm = new RmsNorm(w.child("layer_norm"), c.dModel(), c.layerNormEpsilon());
    }

    /**
     * @param hiddenStates [B, L, d_model]
     * @return [B, L, d_model]
     */
    public NDArray forward(NDArray hiddenStates) {
        NDArray forwardedStates = denseReluDense.forward(layerNorm.forward(hiddenStates));
        return hiddenStates.add(forwardedStates);
    }
}
