package io.hunyuan4j.core.transformer;

import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import io.hunyuan4j.core.cache.ModuleHook;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code HunyuanVideoSingleTransformerBlock}, the single-stream block: latent and text tokens are
 * concatenated and share every weight; attention and a parallel GELU(tanh) MLP are fused by one output
 * projection.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoSingleTransformerBlock</a>
 */
public final class SingleTransformerBlock {

    private final Attention attn;
    private final AdaLayerNormZeroSingle norm;
    private final Linear projMlp;
    private final Linear projOut;

    /** Binds {@code attn}, {@code norm}, {@code proj_mlp}, {@code proj_out}. */
    public SingleTransformerBlock(StateDict w, TransformerConfig c, AttentionBackend backend) {
        int hiddenSize = c.innerDim();
        int mlpDim = c.mlpDim();
        this.attn = new Attention(w.child("attn"),
                new Attention.Spec(c.numAttentionHeads(), c.attentionHeadDim(), true, false, true), backend);
        this.norm = new AdaLayerNormZeroSingle(w.child("norm"), hiddenSize);
        this.projMlp = new Linear(w.child("proj_mlp"), hiddenSize, mlpDim);
        this.projOut = new Linear(w.child("proj_out"), hiddenSize + mlpDim, hiddenSize);
    }

    /**
     * @param hiddenStates latent tokens [B, N, C]
     * @param encoderHiddenStates text tokens [B, L, C]
     * @param temb [B, C]
     * @param attentionMask BOOLEAN key mask [B, 1, 1, N + L], or null when no text token is padded
     * @param imageRotaryEmb RoPE table for the latent tokens
     * @return both streams [B, N, C], [B, L, C]
     */
    public Streams forward(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray temb,
            @Nullable NDArray attentionMask,
            RotaryEmbedding imageRotaryEmb) {
        return forward(hiddenStates, encoderHiddenStates, temb, attentionMask, imageRotaryEmb, null);
    }

    /**
     * As {@link #forward(NDArray, NDArray, NDArray, NDArray, RotaryEmbedding)}; with {@code tokenReplace} it is
     * diffusers {@code HunyuanVideoTokenReplaceSingleTransformerBlock} (same weights): the first-frame latent
     * tokens take their modulation and gate from {@code token_replace_emb}.
     */
    public Streams forward(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray temb,
            @Nullable NDArray attentionMask,
            RotaryEmbedding imageRotaryEmb, @Nullable TokenReplace tokenReplace) {
        return forward(hiddenStates, encoderHiddenStates, temb, attentionMask, imageRotaryEmb, tokenReplace,
                ModuleHook.NONE);
    }

    /**
     * As {@link #forward(NDArray, NDArray, NDArray, NDArray, RotaryEmbedding, TokenReplace)}, asking
     * {@code attnHook} (a step cache's hook on {@code attn}) for the attention output.
     */
    public Streams forward(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray temb,
            @Nullable NDArray attentionMask,
            RotaryEmbedding imageRotaryEmb, @Nullable TokenReplace tokenReplace, ModuleHook attnHook) {
        long textSeqLength = encoderHiddenStates.getShape().get(1);
        // [B, N + L, C]; the two streams are consumed by their concatenation
        NDArray residual = Scoped.keepConsuming(
                () -> NDArrays.concat(new NDList(hiddenStates, encoderHiddenStates), 1), hiddenStates,
                encoderHiddenStates);

        // 1. Input normalization
        NDArray normed;
        NDArray gate;
        NDArray trGate;
        if (tokenReplace == null) {
            AdaLayerNormZeroSingle.Output n = norm.forward(residual, temb);
            normed = n.hiddenStates();
            gate = n.gateMsa().expandDims(1);
            trGate = null;
        } else {
            AdaLayerNormZeroSingle.TokenReplaceOutput n = norm.forward(residual, temb, tokenReplace);
            normed = n.hiddenStates();
            gate = n.gateMsa().expandDims(1);
            trGate = n.trGateMsa().expandDims(1);
        }

        // 2. Attention   [B, N + L, C] (consumes q, k, v); diffusers' `attn` returns the latent and the text
        // rows apart and concatenates them: one joint output here, the same to an elementwise step cache
        NDArray attnOutput = attnHook.call(() -> {
            NDList qkv = Scoped.keepAll(() -> attn.qkvJoint(normed, textSeqLength, imageRotaryEmb), normed);
            return new NDList(attn.attend(qkv, attentionMask));
        }, residual.getManager()).singletonOrThrow();

        // 3. MLP, modulation and residual connection   [B, N + L, C + mlp] -> [B, N + L, C]
        // token-chunked: the [N + L, mlp] activation and the [N + L, C + mlp] concatenation exist per chunk only
        NDArray h = Scoped.keepConsuming(() -> gated(TokenChunks.map(attnOutput, normed, (a, x) -> {
            NDArray mlpHiddenStates = F.geluTanh(projMlp.forward(x));
            return projOut.forward(NDArrays.concat(new NDList(a, mlpHiddenStates), 2));
        }), gate, trGate, tokenReplace).add(residual), attnOutput, normed, residual);
        long total = h.getShape().get(1);
        return new Streams(h.get(new NDIndex(":, :{}", total - textSeqLength)),
                h.get(new NDIndex(":, {}:", total - textSeqLength)));
    }

    /** {@code proj_output * gate}, or with token replace the first-frame tokens times {@code tr_gate}. */
    private static NDArray gated(NDArray projOutput, NDArray gate, @Nullable NDArray trGate,
            @Nullable TokenReplace tokenReplace) {
        if (tokenReplace == null || trGate == null) {
            return projOutput.mul(gate);
        }
        return tokenReplace.split(projOutput, zero -> zero.mul(trGate), orig -> orig.mul(gate));
    }
}
