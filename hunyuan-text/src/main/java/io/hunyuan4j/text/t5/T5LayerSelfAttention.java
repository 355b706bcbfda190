package io.hunyuan4j.text.t5;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.RmsNorm;
import io.hunyuan4j.core.weights.StateDict;

/**
 * Pre-norm self-attention sub-layer: {@code x + SelfAttention(layer_norm(x))}. transformers' {@code T5LayerNorm}
 * (RMS: no mean subtraction, no bias, statistics in float32) is exactly {@link RmsNorm}.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/t5/modeling_t5.py">transformers T5LayerSelfAttention, T5LayerNorm</a>
 */
public final class T5LayerSelfAttention {

    private final T5Attention selfAttention;
    private final RmsNorm layerNorm;

    /** Binds {@code SelfAttention} and {@code layer_norm}. */
    public T5LayerSelfAttention(StateDict w, T5Config c, boolean hasRelativeAttentionBias) {
        this.selfAttention = new T5Attention(w.child("SelfAttention"), c, hasRelativeAttentionBias);
        this.layerNorm = new RmsNorm(w.child("layer_norm"), c.dModel(), c.layerNormEpsilon());
    }

    /** The attention, whose first instance computes the shared position bias. */
    public T5Attention selfAttention() {
        return selfAttention;
    }

    /**
     * @param hiddenStates [B, L, d_model]
     * @param positionBias float32 [1 or B, H, L, L], mask included
     * @return [B, L, d_model]
     */
    public NDArray forward(NDArray hiddenStates, NDArray positionBias) {
        NDArray normedHiddenStates = layerNorm.forward(hiddenStates);
        return hiddenStates.add(selfAttention.forward(normedHiddenStates, positionBias));
    }
}
