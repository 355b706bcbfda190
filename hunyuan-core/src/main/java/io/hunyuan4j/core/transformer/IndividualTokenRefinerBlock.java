package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code HunyuanVideoIndividualTokenRefinerBlock}: masked bidirectional self-attention over the text
 * tokens and a SiLU feed-forward, each gated by {@code temb} through {@link AdaNorm}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoIndividualTokenRefinerBlock</a>
 */
public final class IndividualTokenRefinerBlock {

    /** diffusers: {@code nn.LayerNorm(hidden_size, elementwise_affine=True, eps=1e-6)}. */
    static final float EPS = 1e-6f;

    private final LayerNorm norm1;
    private final Attention attn;
    private final LayerNorm norm2;
    private final FeedForward ff;
    private final AdaNorm normOut;

    /**
     * Binds {@code norm1}, {@code attn}, {@code norm2}, {@code ff}, {@code norm_out}.
     *
     * @param mlpWidthRatio the feed-forward's {@code mult} (diffusers never passes the model's {@code mlp_ratio}
     *     here, so it is {@link TokenRefiner#MLP_WIDTH_RATIO})
     */
    public IndividualTokenRefinerBlock(StateDict w, int numAttentionHeads, int attentionHeadDim, float mlpWidthRatio,
            AttentionBackend backend) {
        int hiddenSize = numAttentionHeads * attentionHeadDim;
        this.norm1 = LayerNorm.affine(w.child("norm1"), hiddenSize, EPS);
        this.attn = new Attention(w.child("attn"),
                new Attention.Spec(numAttentionHeads, attentionHeadDim, false, false, false), backend);
        this.norm2 = LayerNorm.affine(w.child("norm2"), hiddenSize, EPS);
        this.ff = new FeedForward(w.child("ff"), hiddenSize, (int) (hiddenSize * (double) mlpWidthRatio),
                FeedForward.Activation.LINEAR_SILU);
        this.normOut = new AdaNorm(w.child("norm_out"), hiddenSize, 2 * hiddenSize);
    }

    /**
     * @param hiddenStates [B, L, C]
     * @param temb [B, C]
     * @param attentionMask BOOLEAN [B, 1, L, L] or null
     * @return [B, L, C]
     */
    public NDArray forward(NDArray hiddenStates, NDArray temb, @Nullable NDArray attentionMask) {
        NDArray normHiddenStates = norm1.forward(hiddenStates);
        NDArray attnOutput = attn.forward(normHiddenStates, attentionMask);
        AdaNorm.Gates gates = normOut.forward(temb);
        hiddenStates = hiddenStates.add(attnOutput.mul(gates.gateMsa()));
        NDArray ffOutput = ff.forward(norm2.forward(hiddenStates));
        return hiddenStates.add(ffOutput.mul(gates.gateMlp()));
    }
}
