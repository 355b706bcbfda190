package io.hunyuan4j.core.transformer;

import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code AdaLayerNormZeroSingle(embedding_dim, norm_type="layer_norm")}: three modulation vectors
 * (shift, scale, gate) for a single-stream block.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/normalization.py">diffusers AdaLayerNormZeroSingle</a>
 */
public final class AdaLayerNormZeroSingle {

    /**
     * The tuple diffusers returns.
     *
     * @param hiddenStates {@code norm(x) * (1 + scale_msa) + shift_msa} [B, N, D]
     * @param gateMsa [B, D]
     */
    public record Output(NDArray hiddenStates, NDArray gateMsa) { }

    private final Linear linear;
    private final LayerNorm norm = LayerNorm.noAffine(AdaLayerNormZero.EPS);

    /** Binds {@code linear [3 D, D]}. */
    public AdaLayerNormZeroSingle(StateDict w, int embeddingDim) {
        this.linear = new Linear(w.child("linear"), embeddingDim, 3L * embeddingDim);
    }

    /**
     * @param x [B, N, D]
     * @param emb [B, D]
     */
    public Output forward(NDArray x, NDArray emb) {
        NDList c = modulation(emb);
        // [B, N + L, C]: only the modulated output outlives the scope
        NDArray normed = Scoped.keep(
                () -> norm.forward(x).mul(c.get(1).expandDims(1).add(1f)).add(c.get(0).expandDims(1)), x);
        return new Output(normed, c.get(2));
    }

    /**
     * diffusers {@code HunyuanVideoTokenReplaceAdaLayerNormZeroSingle} (same {@code linear}): the first-frame
     * tokens modulated by {@code token_replace_emb}, the others by {@code emb}.
     *
     * @param x [B, N + L, D]
     * @param emb [B, D]
     * @return the normed input, {@code gate_msa} and {@code tr_gate_msa}
     */
    public TokenReplaceOutput forward(NDArray x, NDArray emb, TokenReplace tokenReplace) {
        NDList c = modulation(emb);
        NDList tr = modulation(tokenReplace.tokenReplaceEmb());
        NDArray normed = Scoped.keep(() -> tokenReplace.split(norm.forward(x),
                zero -> zero.mul(tr.get(1).expandDims(1).add(1f)).add(tr.get(0).expandDims(1)),
                orig -> orig.mul(c.get(1).expandDims(1).add(1f)).add(c.get(0).expandDims(1))), x);
        return new TokenReplaceOutput(normed, c.get(2), tr.get(2));
    }

    private NDList modulation(NDArray emb) {
        NDArray e = linear.forward(F.silu(emb));
        // chunk order: shift_msa, scale_msa, gate_msa
        return F.chunk(e, 3, 1);
    }

    /**
     * The tuple diffusers' token-replace variant returns.
     *
     * @param hiddenStates the modulated input [B, N + L, D]
     * @param gateMsa [B, D]
     * @param trGateMsa [B, D], for the first-frame tokens
     */
    public record TokenReplaceOutput(NDArray hiddenStates, NDArray gateMsa, NDArray trGateMsa) { }
}
