package io.hunyuan4j.core.transformer;

import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.cache.ModuleHook;
import ai.djl.ndarray.NDList;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

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
     * @param attentionMask BOOLEAN key mask [B, 1, 1, N + L], or null when no text token is padded
     * @param freqsCis RoPE table for the latent tokens
     * @return both streams [B, N, C], [B, L, C]
     */
    public Streams forward(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray temb,
            @Nullable NDArray attentionMask,
            RotaryEmbedding freqsCis) {
        return forward(hiddenStates, encoderHiddenStates, temb, attentionMask, freqsCis, null);
    }

    /**
     * As {@link #forward(NDArray, NDArray, NDArray, NDArray, RotaryEmbedding)}; with {@code tokenReplace} it is
     * diffusers {@code HunyuanVideoTokenReplaceTransformerBlock} (same weights): the first-frame latent tokens take
     * their modulation and gates from {@code token_replace_emb}.
     */
    public Streams forward(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray temb,
            @Nullable NDArray attentionMask,
            RotaryEmbedding freqsCis, @Nullable TokenReplace tokenReplace) {
        return forward(hiddenStates, encoderHiddenStates, temb, attentionMask, freqsCis, tokenReplace, ModuleHook.NONE);
    }

    /**
     * As {@link #forward(NDArray, NDArray, NDArray, NDArray, RotaryEmbedding, TokenReplace)}, asking
     * {@code attnHook} (a step cache's hook on {@code attn}) for the attention outputs of both streams.
     */
    public Streams forward(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray temb,
            @Nullable NDArray attentionMask,
            RotaryEmbedding freqsCis, @Nullable TokenReplace tokenReplace, ModuleHook attnHook) {
        AdaLayerNormZero.Modulation n = norm1.modulation(temb);
        AdaLayerNormZero.Modulation c = norm1Context.modulation(temb);
        AdaLayerNormZero.Modulation tr = tokenReplace == null ? null
                : norm1.modulation(tokenReplace.tokenReplaceEmb());

        // 1.-2. Input normalization, QKV (the normed streams die with the scope), joint attention (consumes q, k,
        // v) and output projections; the normed streams feed `attn` only, so a cached attention skips them too
        NDList attnOut = attnHook.call(() -> {
            NDList qkv = Scoped.keepAll(() -> attn.qkv(tokenReplace == null || tr == null
                    ? norm1.normalize(hiddenStates, n) : norm1.normalize(hiddenStates, n, tr, tokenReplace),
                    norm1Context.normalize(encoderHiddenStates, c), freqsCis), hiddenStates, encoderHiddenStates);
            Streams o = attn.project(attn.attend(qkv, attentionMask), encoderHiddenStates.getShape().get(1));
            return new NDList(o.hiddenStates(), o.encoderHiddenStates());
        }, hiddenStates.getManager());
        Streams attnOutput = new Streams(attnOut.get(0), attnOut.get(1));

        // 3. Modulation and residual connection; 4. Feed-forward (token-chunked, each stream consumed in turn)
        NDArray h = tokenReplace == null || tr == null
                ? residualAndFeedForward(hiddenStates, attnOutput.hiddenStates(), n, norm2, ff)
                : Scoped.keepConsuming(() -> tokenReplace.split(hiddenStates, attnOutput.hiddenStates(),
                        (x, a) -> residualAndFeedForward(x, a, tr, norm2, ff),
                        (x, a) -> residualAndFeedForward(x, a, n, norm2, ff)), hiddenStates, attnOutput.hiddenStates());
        NDArray e = residualAndFeedForward(encoderHiddenStates, attnOutput.encoderHiddenStates(), c, norm2Context,
                ffContext);
        return new Streams(h, e);
    }

    /**
     * {@code x = x + attn * gate_msa; x + ff(norm(x) * (1 + scale_mlp) + shift_mlp) * gate_mlp}, token by token
     * in chunks, consuming {@code x} and {@code attnOutput}: every token is independent here.
     */
    private static NDArray residualAndFeedForward(NDArray x, NDArray attnOutput, AdaLayerNormZero.Modulation m,
            LayerNorm norm, FeedForward ff) {
        NDArray gateMsa = m.gateMsa().expandDims(1);
        NDArray scaleMlp = m.scaleMlp().expandDims(1).add(1f);
        NDArray shiftMlp = m.shiftMlp().expandDims(1);
        NDArray gateMlp = m.gateMlp().expandDims(1);
        return Scoped.keepConsuming(() -> TokenChunks.map(x, attnOutput, (xc, ac) -> {
            NDArray h = xc.add(ac.mul(gateMsa));
            return h.add(ff.forwardUnchunked(norm.forward(h).mul(scaleMlp).add(shiftMlp)).mul(gateMlp));
        }), x, attnOutput);
    }

    /** {@code norm1(hidden_states, temb)}'s normalized and modulated output: TeaCache's change indicator. */
    NDArray modulatedInput(NDArray hiddenStates, NDArray temb) {
        return norm1.normalize(hiddenStates, norm1.modulation(temb));
    }
}
