package io.hunyuan4j.core.api;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What the text encoders give the DiT, as diffusers' {@code encode_prompt} returns it.
 *
 * @param promptEmbeds MLLM hidden states [B, L, text_embed_dim], float32 (template tokens already cropped)
 * @param attentionMask [B, L], 1 for valid tokens then 0 for trailing padding (INT64 or FLOAT32)
 * @param pooled CLIP pooled output [B, pooled_projection_dim]
 * @param truncatedTokens per prompt, how many user tokens were cut to fit the encoders' limits (0 = none)
 */
public record PromptEmbeds(NDArray promptEmbeds, NDArray attentionMask, NDArray pooled, List<Integer> truncatedTokens) {

    /** Copies the list. */
    public PromptEmbeds {
        truncatedTokens = List.copyOf(truncatedTokens);
    }
}
