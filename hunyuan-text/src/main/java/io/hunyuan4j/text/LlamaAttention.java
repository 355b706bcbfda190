package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * Grouped-query self-attention with rotary embeddings ({@code rotate_half} layout) on queries and keys; each
 * key/value head serves {@code num_key_value_groups} consecutive query heads.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/llama/modeling_llama.py">transformers LlamaAttention</a>
 */
public final class LlamaAttention {

    private final LlamaConfig config;
    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear oProj;

    /** Binds {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code o_proj} (biases when {@code attention_bias}). */
    public LlamaAttention(StateDict w, LlamaConfig c) {
        this.config = c;
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        boolean bias = c.attentionBias();
        this.qProj = new Linear(w.child("q_proj"), c.hiddenSize(), q, bias);
        this.kProj = new Linear(w.child("k_proj"), c.hiddenSize(), kv, bias);
        this.vProj = new Linear(w.child("v_proj"), c.hiddenSize(), kv, bias);
        this.oProj = new Linear(w.child("o_proj"), q, c.hiddenSize(), bias);
    }

    /**
     * @param hiddenStates [B, L, hidden]
     * @param rope cos/sin [L, head_dim]
     * @param mask BOOLEAN [B, 1, L, L], true where a query may attend a key (causal and key valid)
     * @return [B, L, hidden]
     */
    public NDArray forward(NDArray hiddenStates, LlamaRotaryEmbedding.Tables rope, NDArray mask,
            AttentionBackend attention) {
        long b = hiddenStates.getShape().get(0);
        long l = hiddenStates.getShape().get(1);
        int d = config.headDim();
        // [B, L, H*D] -> [B, H, L, D]
        NDArray query = qProj.forward(hiddenStates)
                .reshape(b, l, config.numAttentionHeads(), d).transpose(0, 2, 1, 3);
        NDArray key = kProj.forward(hiddenStates)
                .reshape(b, l, config.numKeyValueHeads(), d).transpose(0, 2, 1, 3);
        NDArray value = vProj.forward(hiddenStates)
                .reshape(b, l, config.numKeyValueHeads(), d).transpose(0, 2, 1, 3);
        query = F.applyRotaryEmbHalf(query, rope.cos(), rope.sin());
        key = F.applyRotaryEmbHalf(key, rope.cos(), rope.sin());
        // repeat_kv: [B, KV, L, D] -> [B, KV * groups, L, D], each kv head repeated in place
        int groups = config.numKeyValueGroups();
        if (groups > 1) {
            key = key.repeat(1, groups);
            value = value.repeat(1, groups);
        }
        NDArray attnOutput = attention.attention(query, key, value, mask);
        // [B, H, L, D] -> [B, L, H*D]
        attnOutput = attnOutput.transpose(0, 2, 1, 3).reshape(b, l, (long) config.numAttentionHeads() * d);
        return oProj.forward(attnOutput);
    }

    /** Every bound weight, for streaming. */
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>();
        for (Linear l : List.of(qProj, kProj, vProj, oProj)) {
            p.addAll(l.parameters());
        }
        return p;
    }
}
