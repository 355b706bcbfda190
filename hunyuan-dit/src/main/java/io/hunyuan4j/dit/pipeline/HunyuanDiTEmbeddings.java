package io.hunyuan4j.dit.pipeline;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * Precomputed text conditioning of {@code HunyuanDiTPipeline.__call__}: BERT and mT5 {@code last_hidden_state}s with
 * their 0/1 attention masks, for the prompt and (with classifier-free guidance) the negative prompt. Masks may be
 * INT64 or float; the sequence lengths must be the transformer's {@code text_len} / {@code text_len_t5}.
 *
 * @param promptEmbeds BERT [B, text_len, cross_attention_dim]
 * @param promptAttentionMask [B, text_len]
 * @param promptEmbeds2 mT5 [B, text_len_t5, cross_attention_dim_t5]
 * @param promptAttentionMask2 [B, text_len_t5]
 * @param negativePromptEmbeds as {@code promptEmbeds}, required when guidance_scale > 1
 * @param negativePromptAttentionMask as {@code promptAttentionMask}
 * @param negativePromptEmbeds2 as {@code promptEmbeds2}
 * @param negativePromptAttentionMask2 as {@code promptAttentionMask2}
 */
public record HunyuanDiTEmbeddings(NDArray promptEmbeds, NDArray promptAttentionMask, NDArray promptEmbeds2,
        NDArray promptAttentionMask2, @Nullable NDArray negativePromptEmbeds,
        @Nullable NDArray negativePromptAttentionMask, @Nullable NDArray negativePromptEmbeds2,
        @Nullable NDArray negativePromptAttentionMask2) {

    /** Whether all four negative tensors are present. */
    public boolean hasNegative() {
        return negativePromptEmbeds != null && negativePromptAttentionMask != null && negativePromptEmbeds2 != null
                && negativePromptAttentionMask2 != null;
    }

    /** Prompts in the batch. */
    public long batchSize() {
        return promptEmbeds.getShape().get(0);
    }
}
