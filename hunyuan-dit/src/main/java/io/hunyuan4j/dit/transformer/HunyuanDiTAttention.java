package io.hunyuan4j.dit.transformer;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code Attention(query_dim=D, cross_attention_dim, heads, dim_head, qk_norm="layer_norm", eps=1e-6,
 * bias=True)} with {@code HunyuanAttnProcessor2_0}, as the HunyuanDiT block builds it twice: self-attention
 * ({@code attn1}, keys from the tokens) and cross-attention to the text context ({@code attn2}, keys from
 * {@code cross_attention_dim}). q and k are LayerNorm'ed per head (affine, over the head dim) before RoPE;
 * self-attention rotates q and k, cross-attention only q. No attention mask.
 *
 * <p>Shapes: B batch, N image tokens, L context tokens, H heads, D head dim, C = H x D.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/attention_processor.py">diffusers Attention, HunyuanAttnProcessor2_0</a>
 */
public final class HunyuanDiTAttention {

    /** diffusers passes {@code eps=1e-6} to the q/k LayerNorms. */
    static final float QK_NORM_EPS = 1e-6f;

    private final int heads;
    private final int headDim;
    private final boolean crossAttention;
    private final AttentionBackend backend;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final LayerNorm normQ;
    private final LayerNorm normK;
    private final Linear toOut;

    /**
     * Binds {@code to_q}, {@code to_k}, {@code to_v}, {@code norm_q}, {@code norm_k}, {@code to_out.0}.
     *
     * @param queryDim C
     * @param crossAttentionDim the key/value input width, or 0 for self-attention
     */
    public HunyuanDiTAttention(StateDict w, int queryDim, int crossAttentionDim, int heads, int headDim,
            AttentionBackend backend) {
        this.heads = heads;
        this.headDim = headDim;
        this.crossAttention = crossAttentionDim > 0;
        this.backend = backend;
        int inner = heads * headDim;
        int kvDim = crossAttention ? crossAttentionDim : queryDim;
        this.toQ = new Linear(w.child("to_q"), queryDim, inner);
        this.toK = new Linear(w.child("to_k"), kvDim, inner);
        this.toV = new Linear(w.child("to_v"), kvDim, inner);
        this.normQ = LayerNorm.affine(w.child("norm_q"), headDim, QK_NORM_EPS);
        this.normK = LayerNorm.affine(w.child("norm_k"), headDim, QK_NORM_EPS);
        this.toOut = new Linear(w.child("to_out").child("0"), inner, queryDim);
    }

    /**
     * @param hiddenStates [B, N, C]
     * @param encoderHiddenStates the context [B, L, cross_attention_dim] for cross-attention, null for self
     * @param imageRotaryEmb RoPE table [N, D]
     * @return [B, N, C]
     */
    public NDArray forward(NDArray hiddenStates, @Nullable NDArray encoderHiddenStates,
            RotaryEmbedding imageRotaryEmb) {
        NDArray kvInput = encoderHiddenStates == null ? hiddenStates : encoderHiddenStates;
        // [B, T, C] -> [B, H, T, D], per-head LayerNorm
        NDArray query = heads(F.toFloat32(toQ.forward(hiddenStates)), normQ);
        NDArray key = heads(F.toFloat32(toK.forward(kvInput)), normK);
        NDArray value = heads(toV.forward(kvInput), null);
        // RoPE: q always; k only when it comes from the image tokens
        query = F.applyRotaryEmbInterleaved(query, imageRotaryEmb.cos(), imageRotaryEmb.sin());
        if (!crossAttention) {
            key = F.applyRotaryEmbInterleaved(key, imageRotaryEmb.cos(), imageRotaryEmb.sin());
        }
        query = F.castLike(query, value);
        key = F.castLike(key, value);
        NDArray out = backend.attention(query, key, value, null);
        // [B, H, N, D] -> [B, N, C]
        long b = out.getShape().get(0);
        long n = out.getShape().get(2);
        return toOut.forward(out.transpose(0, 2, 1, 3).reshape(b, n, (long) heads * headDim));
    }

    private NDArray heads(NDArray x, @Nullable LayerNorm norm) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray h = x.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
        return norm == null ? h : norm.forward(h);
    }
}
