package io.hunyuan4j.text.bert;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.weights.StateDict;

/**
 * Multi-head self-attention with biases, scale {@code 1/sqrt(head_size)} and a key-padding mask: padded query rows
 * are computed like the others (they attend to the valid keys).
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/bert/modeling_bert.py">transformers BertSelfAttention</a>
 */
public final class BertSelfAttention {

    private final BertConfig config;
    private final Linear query;
    private final Linear key;
    private final Linear value;

    /** Binds {@code query}, {@code key}, {@code value}. */
    public BertSelfAttention(StateDict w, BertConfig c) {
        this.config = c;
        long d = c.hiddenSize();
        this.query = new Linear(w.child("query"), d, d);
        this.key = new Linear(w.child("key"), d, d);
        this.value = new Linear(w.child("value"), d, d);
    }

    /**
     * @param hiddenStates [B, L, hidden]
     * @param keyMask BOOLEAN [B, 1, 1, L], true where the key is a token
     * @return the context [B, L, hidden]
     */
    public NDArray forward(NDArray hiddenStates, NDArray keyMask, AttentionBackend attention) {
        long b = hiddenStates.getShape().get(0);
        long l = hiddenStates.getShape().get(1);
        int heads = config.numAttentionHeads();
        int d = config.attentionHeadSize();
        // [B, L, C] -> [B, H, L, D]
        NDArray queryLayer = query.forward(hiddenStates).reshape(b, l, heads, d).transpose(0, 2, 1, 3);
        NDArray keyLayer = key.forward(hiddenStates).reshape(b, l, heads, d).transpose(0, 2, 1, 3);
        NDArray valueLayer = value.forward(hiddenStates).reshape(b, l, heads, d).transpose(0, 2, 1, 3);
        // the 1/sqrt(head_size) scale is the backend's
        NDArray context = attention.attention(queryLayer, keyLayer, valueLayer, keyMask);
        // [B, H, L, D] -> [B, L, C]
        return context.transpose(0, 2, 1, 3).reshape(b, l, (long) heads * d);
    }
}
