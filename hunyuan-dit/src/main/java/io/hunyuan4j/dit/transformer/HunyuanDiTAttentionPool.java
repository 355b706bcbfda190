package io.hunyuan4j.dit.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code HunyuanDiTAttentionPool(spacial_dim, embed_dim, num_heads=8, output_dim)} (CLIP's attention
 * pool): the mean token, prepended to the tokens, plus a learned positional table, is the single query of an 8-head
 * attention over all {@code spacial_dim + 1} tokens ({@code F.multi_head_attention_forward} with separate q/k/v
 * weights, scale {@code 1/sqrt(head_dim)}), projected by {@code c_proj}. It reads every mT5 position: the text mask
 * is not used, so padding changes the pooled vector (as in the reference).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/embeddings.py">diffusers HunyuanDiTAttentionPool</a>
 */
public final class HunyuanDiTAttentionPool {

    /** {@code HunyuanCombinedTimestepTextSizeStyleEmbedding} builds the pooler with 8 heads. */
    public static final int NUM_HEADS = 8;

    private final Parameter positionalEmbedding;
    private final Linear kProj;
    private final Linear qProj;
    private final Linear vProj;
    private final Linear cProj;
    private final int embedDim;
    private final AttentionBackend backend;

    /** Binds {@code positional_embedding [L + 1, C]}, {@code k_proj}, {@code q_proj}, {@code v_proj}, {@code c_proj}. */
    public HunyuanDiTAttentionPool(StateDict w, int spacialDim, int embedDim, int outputDim, AttentionBackend backend) {
        this.positionalEmbedding = w.take("positional_embedding", spacialDim + 1L, embedDim);
        this.kProj = new Linear(w.child("k_proj"), embedDim, embedDim);
        this.qProj = new Linear(w.child("q_proj"), embedDim, embedDim);
        this.vProj = new Linear(w.child("v_proj"), embedDim, embedDim);
        this.cProj = new Linear(w.child("c_proj"), embedDim, outputDim);
        this.embedDim = embedDim;
        this.backend = backend;
    }

    /**
     * @param x [B, L, C] (all L positions, padding included)
     * @return [B, output_dim]
     */
    public NDArray forward(NDArray x) {
        long b = x.getShape().get(0);
        // [B, L, C] -> [B, L + 1, C]: mean token first, then the positional table
        NDArray tokens = NDArrays.concat(new NDList(x.mean(new int[] {1}, true), x), 1)
                .add(positionalEmbedding.array());
        long n = tokens.getShape().get(1);
        long d = embedDim / NUM_HEADS;
        // one query (the mean token) over all tokens: [B, H, 1, D] x [B, H, L + 1, D]
        NDArray q = qProj.forward(tokens.get(":, :1")).reshape(b, 1, NUM_HEADS, d).transpose(0, 2, 1, 3);
        NDArray k = kProj.forward(tokens).reshape(b, n, NUM_HEADS, d).transpose(0, 2, 1, 3);
        NDArray v = vProj.forward(tokens).reshape(b, n, NUM_HEADS, d).transpose(0, 2, 1, 3);
        NDArray out = backend.attention(q, k, v, null).transpose(0, 2, 1, 3).reshape(b, embedDim);
        return cProj.forward(out);
    }
}
