package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code HunyuanVideoTransformerBlock}, the dual-stream block: latent and text tokens are modulated
 * and fed forward with separate weights but attend jointly.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoTransformerBlock</a>
 */
public final class TransformerBlock {

    private final AdaLayerNormZero norm1;
    private final AdaLayerNormZero norm1Context;
    private final Attention attn;
    // norm2 / norm2_context: LayerNorm(elementwise_affine=False, eps=1e-6): no weights
    private final LayerNorm norm2 = LayerNorm.noAffine(AdaLayerNormZero.EPS);
    private final FeedForward ff;
    private final LayerNorm norm2Context = LayerNorm.noAffine(AdaLayerNormZero.EPS);
    private final FeedForward ffContext;

    /** Binds {@code norm1}, {@code norm1_context}, {@code attn}, {@code ff}, {@code ff_context}. */
    public TransformerBlock(StateDict w, TransformerConfig c, AttentionBackend backend) {
        int hiddenSize = c.innerDim();
        this.norm1 = new AdaLayerNormZero(w.child("norm1"), hiddenSize);
        this.norm1Context = new AdaLayerNormZero(w.child("norm1_context"), hiddenSize);
        this.attn = new Attention(w.child("attn"),
                new Attention.Spec(c.numAttentionHeads(), c.attentionHeadDim(), true, true, false), backend);
        this.ff = new FeedForward(w.child("ff"), hiddenSize, c.mlpDim(), FeedForward.Activation.GELU_TANH);
        this.ffContext = new FeedForward(w.child("ff_context"), hiddenSize, c.mlpDim(),
                FeedForward.Activation.GELU_TANH);
    }

    /**
     * @param hiddenStates latent tokens [B, N, C]
     * @param encoderHiddenStates text tokens [B, L, C]
     * @param temb [B, C]
     * @param attentionMask BOOLEAN key mask [B, 1, 1, N + L]
     * @param freqsCis RoPE table for the latent tokens
     * @return both streams [B, N, C], [B, L, C]
     */
    public Streams forward(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray temb, NDArray attentionMask,
            RotaryEmbedding freqsCis) {
        // 1.-3. Input normalization, joint attention, modulation and residual connection; the norms, q/k/v and
        // the attention output die with the scope
        NDList a = Scoped.keepAll(() -> {
            AdaLayerNormZero.Output n = norm1.forward(hiddenStates, temb);
            AdaLayerNormZero.Output c = norm1Context.forward(encoderHiddenStates, temb);
            Streams attnOutput = attn.forward(n.hiddenStates(), c.hiddenStates(), attentionMask, freqsCis);
            return new NDList(hiddenStates.add(attnOutput.hiddenStates().mul(n.gateMsa().expandDims(1))),
                    encoderHiddenStates.add(attnOutput.encoderHiddenStates().mul(c.gateMsa().expandDims(1))),
                    n.shiftMlp(), n.scaleMlp(), n.gateMlp(), c.shiftMlp(), c.scaleMlp(), c.gateMlp());
        }, hiddenStates, encoderHiddenStates);

        // 4. Feed-forward, modulation and residual connection
        NDArray h = feedForward(a.get(0), norm2, ff, a.get(2), a.get(3), a.get(4));
        NDArray e = feedForward(a.get(1), norm2Context, ffContext, a.get(5), a.get(6), a.get(7));
        return new Streams(h, e);
    }

    /** {@code x + ff(norm(x) * (1 + scale) + shift) * gate}; only the result outlives the scope. */
    private static NDArray feedForward(NDArray x, LayerNorm norm, FeedForward ff, NDArray shift, NDArray scale,
            NDArray gate) {
        return Scoped.keep(() -> {
            NDArray normed = Scoped.keep(() -> norm.forward(x).mul(scale.expandDims(1).add(1f))
                    .add(shift.expandDims(1)), x);
            return x.add(ff.forward(normed).mul(gate.expandDims(1)));
        }, x);
    }
}
