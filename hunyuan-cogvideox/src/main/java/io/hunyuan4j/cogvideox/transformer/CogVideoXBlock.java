package io.hunyuan4j.cogvideox.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.transformer.FeedForward;
import io.hunyuan4j.core.transformer.IntermediateListener;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.core.transformer.Streams;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code CogVideoXBlock}: {@code norm1} (one LayerNorm, separate modulation per stream), joint
 * attention, gated residuals, {@code norm2}, then ONE feed-forward (GELU tanh, 4x) over the concatenation
 * {@code [text ; video]}, again with a gate per stream.
 *
 * <p><b>Precision.</b> Mixed: the residual streams (float32 in, float32 out), the LayerNorms and the modulation are
 * float32; q/k/v, the attention, {@code to_out} and the feed-forward compute in the compute dtype, and their bf16
 * outputs are added to the float32 streams (the promotion keeps the sum float32).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/cogvideox_transformer_3d.py">diffusers CogVideoXBlock</a>
 */
public final class CogVideoXBlock {

    /** diffusers {@code FeedForward(dim)}: {@code mult=4}. */
    static final int FF_MULT = 4;

    private final CogVideoXLayerNormZero norm1;
    private final CogVideoXAttention attn1;
    private final CogVideoXLayerNormZero norm2;
    private final FeedForward ff;
    private final ComputeDtype computeDtype;

    /** Binds {@code norm1}, {@code attn1}, {@code norm2} and {@code ff}, computing in float32. */
    public CogVideoXBlock(StateDict w, CogVideoXTransformerConfig c, AttentionBackend backend) {
        this(w, c, backend, ComputeDtype.FLOAT32);
    }

    /**
     * Binds {@code norm1}, {@code attn1}, {@code norm2} and {@code ff}.
     *
     * @param computeDtype the dtype of the projections, the attention and the feed-forward; the two residual streams,
     *     the norms and the modulation stay float32 (the weights are whatever {@code w} holds)
     */
    public CogVideoXBlock(StateDict w, CogVideoXTransformerConfig c, AttentionBackend backend,
            ComputeDtype computeDtype) {
        this.computeDtype = computeDtype;
        int dim = c.innerDim();
        this.norm1 = new CogVideoXLayerNormZero(w.child("norm1"), c.timeEmbedDim(), dim, c.normElementwiseAffine(),
                c.normEps());
        this.attn1 = new CogVideoXAttention(w.child("attn1"), c.numAttentionHeads(), c.attentionHeadDim(),
                c.attentionBias(), backend, computeDtype);
        this.norm2 = new CogVideoXLayerNormZero(w.child("norm2"), c.timeEmbedDim(), dim, c.normElementwiseAffine(),
                c.normEps());
        this.ff = new FeedForward(w.child("ff"), dim, FF_MULT * dim, FeedForward.Activation.GELU_TANH);
    }

    /**
     * @param hiddenStates video tokens [B, N, C]
     * @param encoderHiddenStates text tokens [B, L, C]
     * @param temb [B, time_embed_dim]
     * @param imageRotaryEmb RoPE table [N, D], or null
     * @param listener receives {@code norm1.hidden_states}, {@code norm1.encoder_hidden_states},
     *     {@code attn1.hidden_states}, {@code attn1.encoder_hidden_states}
     * @return both streams
     */
    public Streams forward(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray temb,
            @Nullable RotaryEmbedding imageRotaryEmb, IntermediateListener listener) {
        long textSeqLength = encoderHiddenStates.getShape().get(1);
        // norm & modulate
        CogVideoXLayerNormZero.Output n1 = norm1.forward(hiddenStates, encoderHiddenStates, temb);
        listener.onIntermediate("norm1.hidden_states", n1.hiddenStates());
        listener.onIntermediate("norm1.encoder_hidden_states", n1.encoderHiddenStates());

        // attention
        Streams attn = attn1.forward(n1.hiddenStates(), n1.encoderHiddenStates(), imageRotaryEmb);
        listener.onIntermediate("attn1.hidden_states", attn.hiddenStates());
        listener.onIntermediate("attn1.encoder_hidden_states", attn.encoderHiddenStates());
        // every activation is freed once its last use is done, so a block holds a few token-sized tensors at a
        // time instead of all it made (about 20 of them, 218 MB each in bf16 at 480x720x49 on the CFG batch)
        close(n1.hiddenStates(), n1.encoderHiddenStates());
        NDArray h = residual(hiddenStates, n1.gate(), attn.hiddenStates());
        NDArray e = residual(encoderHiddenStates, n1.encGate(), attn.encoderHiddenStates());
        close(attn.hiddenStates(), attn.encoderHiddenStates());

        // norm & modulate
        CogVideoXLayerNormZero.Output n2 = norm2.forward(h, e, temb);

        // feed-forward over [text ; video]
        NDArray cat = NDArrays.concat(new NDList(n2.encoderHiddenStates(), n2.hiddenStates()), 1);
        close(n2.hiddenStates(), n2.encoderHiddenStates());
        NDArray joint = F.toCompute(cat, computeDtype);
        if (joint != cat) {
            cat.close();
        }
        NDArray ffOutput = ff.forward(joint);
        joint.close();
        NDArray ffVideo = ffOutput.get(new NDIndex(":, {}:", textSeqLength));
        NDArray ffText = ffOutput.get(new NDIndex(":, :{}", textSeqLength));
        NDArray hOut = residual(h, n2.gate(), ffVideo);
        NDArray eOut = residual(e, n2.encGate(), ffText);
        close(ffVideo, ffText, ffOutput, h, e);
        return new Streams(hOut, eOut);
    }

    /** {@code x + gate * y}, the product freed at once. */
    private static NDArray residual(NDArray x, NDArray gate, NDArray y) {
        NDArray gated = gate.mul(y);
        NDArray sum = x.add(gated);
        gated.close();
        return sum;
    }

    private static void close(NDArray... arrays) {
        for (NDArray a : arrays) {
            a.close();
        }
    }
}
