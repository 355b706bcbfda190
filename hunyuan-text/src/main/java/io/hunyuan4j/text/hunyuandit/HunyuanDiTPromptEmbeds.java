package io.hunyuan4j.text.hunyuandit;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Both text streams of HunyuanDiT, named as {@code HunyuanDiTPipeline.__call__} names them (the transformer's
 * {@code encoder_hidden_states} / {@code text_embedding_mask} and {@code encoder_hidden_states_t5} /
 * {@code text_embedding_mask_t5}). All float32 / INT64, in the caller's manager.
 *
 * @param promptEmbeds BERT {@code last_hidden_state} [B, 77, 1024]
 * @param promptAttentionMask BERT tokenizer mask INT64 [B, 77] (1 for {@code [CLS]}, the tokens, {@code [SEP]})
 * @param promptEmbeds2 mT5 {@code last_hidden_state} [B, 256, 2048]
 * @param promptAttentionMask2 mT5 tokenizer mask INT64 [B, 256] (1 for the tokens and {@code </s>})
 * @param truncatedTokens per prompt, tokens cut to fit BERT's 77
 * @param truncatedTokens2 per prompt, tokens cut to fit mT5's 256
 */
public record HunyuanDiTPromptEmbeds(NDArray promptEmbeds, NDArray promptAttentionMask, NDArray promptEmbeds2,
        NDArray promptAttentionMask2, List<Integer> truncatedTokens, List<Integer> truncatedTokens2) {

    /** Copies the lists. */
    public HunyuanDiTPromptEmbeds {
        truncatedTokens = List.copyOf(truncatedTokens);
        truncatedTokens2 = List.copyOf(truncatedTokens2);
    }
}
