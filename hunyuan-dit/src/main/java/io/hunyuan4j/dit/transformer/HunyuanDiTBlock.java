package io.hunyuan4j.dit.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.transformer.FeedForward;
import io.hunyuan4j.core.transformer.IntermediateListener;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code HunyuanDiTBlock}: {@code x += attn1(norm1(x, temb))} (AdaLayerNormShift, self-attention with
 * 2D RoPE), {@code x += attn2(norm2(x), context)} (cross-attention, RoPE on q only), {@code x += ff(norm3(x))}.
 * A block of the second half ({@code skip}) first replaces its input by
 * {@code skip_linear(skip_norm(cat([x, skip], -1)))}, the long skip from its mirror block. All norms are affine
 * {@code FP32LayerNorm}s with eps 1e-6.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/hunyuan_transformer_2d.py">diffusers HunyuanDiTBlock</a>
 */
public final class HunyuanDiTBlock {

    /** diffusers {@code norm_eps=1e-6} of every block norm. */
    static final float NORM_EPS = 1e-6f;

    private final AdaLayerNormShift norm1;
    private final HunyuanDiTAttention attn1;
    private final LayerNorm norm2;
    private final HunyuanDiTAttention attn2;
    private final LayerNorm norm3;
    private final FeedForward ff;
    private final @Nullable LayerNorm skipNorm;
    private final @Nullable Linear skipLinear;
    private final ComputeDtype computeDtype;

    /**
     * Binds {@code norm1}, {@code attn1}, {@code norm2}, {@code attn2}, {@code norm3}, {@code ff} and, with
     * {@code skip}, {@code skip_norm} and {@code skip_linear}.
     *
     * @param computeDtype the dtype of the attention and feed-forward inputs; the residual stream is not cast
     */
    public HunyuanDiTBlock(StateDict w, HunyuanDiTConfig c, boolean skip, AttentionBackend backend,
            ComputeDtype computeDtype) {
        this.computeDtype = computeDtype;
        int dim = c.innerDim();
        this.norm1 = new AdaLayerNormShift(w.child("norm1"), dim, NORM_EPS);
        this.attn1 = new HunyuanDiTAttention(w.child("attn1"), dim, 0, c.numAttentionHeads(), c.attentionHeadDim(),
                backend);
        this.norm2 = LayerNorm.affine(w.child("norm2"), dim, NORM_EPS);
        this.attn2 = new HunyuanDiTAttention(w.child("attn2"), dim, c.crossAttentionDim(), c.numAttentionHeads(),
                c.attentionHeadDim(), backend);
        this.norm3 = LayerNorm.affine(w.child("norm3"), dim, NORM_EPS);
        this.ff = new FeedForward(w.child("ff"), dim, c.ffInnerDim(), FeedForward.Activation.GELU_TANH);
        this.skipNorm = skip ? LayerNorm.affine(w.child("skip_norm"), 2L * dim, NORM_EPS) : null;
        this.skipLinear = skip ? new Linear(w.child("skip_linear"), 2L * dim, dim) : null;
    }

    /** Whether the block takes a long skip. */
    public boolean hasSkip() {
        return skipLinear != null;
    }

    /**
     * @param hiddenStates [B, N, C]
     * @param encoderHiddenStates the padded text context [B, L, cross_attention_dim]
     * @param temb the conditioning embedding [B, C]
     * @param imageRotaryEmb RoPE table [N, head_dim]
     * @param skip the mirror block's output [B, N, C], required exactly when {@link #hasSkip()}
     * @param listener receives {@code skip_linear}, {@code norm1}, {@code attn1}, {@code norm2}, {@code attn2},
     *     {@code norm3}, {@code ff}
     * @return [B, N, C]
     */
    public NDArray forward(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray temb,
            RotaryEmbedding imageRotaryEmb, @Nullable NDArray skip, IntermediateListener listener) {
        NDArray x = hiddenStates;
        LayerNorm sn = skipNorm;
        Linear sl = skipLinear;
        if (sn != null && sl != null) {
            if (skip == null) {
                throw new IllegalStateException("a skip block needs its mirror block's output");
            }
            // [B, N, C] ; [B, N, C] -> [B, N, 2C] -> [B, N, C]
            x = sl.forward(sn.forward(NDArrays.concat(new NDList(x, skip), -1)));
            listener.onIntermediate("skip_linear", x);
        }
        NDArray normHiddenStates = F.toCompute(norm1.forward(x, norm1.shift(temb)), computeDtype);
        listener.onIntermediate("norm1", normHiddenStates);
        NDArray attnOutput = attn1.forward(normHiddenStates, null, imageRotaryEmb);
        listener.onIntermediate("attn1", attnOutput);
        x = x.add(attnOutput);

        NDArray norm2Out = F.toCompute(norm2.forward(x), computeDtype);
        listener.onIntermediate("norm2", norm2Out);
        NDArray attn2Out = attn2.forward(norm2Out, encoderHiddenStates, imageRotaryEmb);
        listener.onIntermediate("attn2", attn2Out);
        x = x.add(attn2Out);

        NDArray mlpInputs = F.toCompute(norm3.forward(x), computeDtype);
        listener.onIntermediate("norm3", mlpInputs);
        NDArray ffOut = ff.forward(mlpInputs);
        listener.onIntermediate("ff", ffOut);
        return x.add(ffOut);
    }
}
