package io.hunyuan4j.text.t5;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.weights.StateDict;

/**
 * One encoder block: {@code layer.0} self-attention, {@code layer.1} feed-forward, both pre-norm with residuals.
 * (transformers clamps float16 activations here; float32 and bf16 need no clamp, and this SDK computes in
 * neither float16.)
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/t5/modeling_t5.py">transformers T5Block</a>
 */
public final class T5Block {

    private final T5LayerSelfAttention layer0;
    private final T5LayerFF layer1;

    /** Binds {@code layer.0} and {@code layer.1}. */
    public T5Block(StateDict w, T5Config c, boolean hasRelativeAttentionBias) {
        this.layer0 = new T5LayerSelfAttention(w.child("layer", 0), c, hasRelativeAttentionBias);
        this.layer1 = new T5LayerFF(w.child("layer", 1), c);
    }

    /** The self-attention sub-layer (the first block's computes the position bias). */
    public T5LayerSelfAttention selfAttentionLayer() {
        return layer0;
    }

    /**
     * @param hiddenStates [B, L, d_model]
     * @param positionBias float32 [1 or B, H, L, L], mask included
     * @return [B, L, d_model] in {@code hiddenStates}' manager; intermediates die in a block scope
     */
    public NDArray forward(NDArray hiddenStates, NDArray positionBias) {
        return Scoped.keep(() -> layer1.forward(layer0.forward(hiddenStates, positionBias)), hiddenStates,
                positionBias);
    }
}
