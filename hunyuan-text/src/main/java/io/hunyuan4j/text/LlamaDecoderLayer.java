package io.hunyuan4j.text;

import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * Pre-norm decoder layer: {@code h = x + self_attn(input_layernorm(x))}, {@code out = h +
 * mlp(post_attention_layernorm(h))}, RMSNorm throughout.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/llama/modeling_llama.py">transformers LlamaDecoderLayer</a>
 */
public final class LlamaDecoderLayer {

    private final LlamaConfig config;
    private final Parameter inputLayernorm;
    private final LlamaAttention selfAttn;
    private final Parameter postAttentionLayernorm;
    private final LlamaMlp mlp;

    /** Binds {@code input_layernorm}, {@code self_attn}, {@code post_attention_layernorm}, {@code mlp}. */
    public LlamaDecoderLayer(StateDict w, LlamaConfig c) {
        this.config = c;
        this.inputLayernorm = w.take("input_layernorm.weight", c.hiddenSize());
        this.selfAttn = new LlamaAttention(w.child("self_attn"), c);
        this.postAttentionLayernorm = w.take("post_attention_layernorm.weight", c.hiddenSize());
        this.mlp = new LlamaMlp(w.child("mlp"), c);
    }

    /**
     * @param hiddenStates [B, L, hidden]
     * @param rope cos/sin [L, head_dim]
     * @param mask BOOLEAN [B, 1, L, L]
     * @return [B, L, hidden], in {@code hiddenStates}' manager; intermediates die in a block scope
     */
    public NDArray forward(NDArray hiddenStates, LlamaRotaryEmbedding.Tables rope, NDArray mask,
            AttentionBackend attention) {
        return Scoped.keep(() -> {
            // 1. Self attention
            NDArray residual = hiddenStates;
            NDArray h = F.rmsNorm(hiddenStates, inputLayernorm.array(), config.rmsNormEps());
            h = residual.add(selfAttn.forward(h, rope, mask, attention));
            // 2. Fully connected
            residual = h;
            NDArray out = F.rmsNorm(h, postAttentionLayernorm.array(), config.rmsNormEps());
            return residual.add(mlp.forward(out));
        }, hiddenStates, rope.cos(), rope.sin(), mask);
    }

    /** Every bound weight, so the encoder can stream this layer's weights. */
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>();
        p.add(inputLayernorm);
        p.addAll(selfAttn.parameters());
        p.add(postAttentionLayernorm);
        p.addAll(mlp.parameters());
        return p;
    }
}
