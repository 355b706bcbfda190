package io.hunyuan4j.core.transformer;

import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code AdaLayerNormZero(embedding_dim, norm_type="layer_norm")} (adaLN-Zero, no class embedding):
 * six modulation vectors from {@code linear(silu(emb))}, the input normalised and modulated for attention.
 *
 * <p>With {@link #normalize(NDArray, Modulation, Modulation, TokenReplace)} it is also diffusers
 * {@code HunyuanVideoTokenReplaceAdaLayerNormZero}, which has the same weights.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/normalization.py">diffusers AdaLayerNormZero</a>
 */
public final class AdaLayerNormZero {

    /** diffusers: {@code nn.LayerNorm(embedding_dim, elementwise_affine=False, eps=1e-6)}. */
    static final float EPS = 1e-6f;

    /**
     * The tuple diffusers returns.
     *
     * @param hiddenStates {@code norm(x) * (1 + scale_msa) + shift_msa} [B, N, D]
     * @param gateMsa [B, D]
     * @param shiftMlp [B, D]
     * @param scaleMlp [B, D]
     * @param gateMlp [B, D]
     */
    public record Output(NDArray hiddenStates, NDArray gateMsa, NDArray shiftMlp, NDArray scaleMlp,
            NDArray gateMlp) { }

    private final Linear linear;
    private final LayerNorm norm = LayerNorm.noAffine(EPS);

    /** Binds {@code linear [6 D, D]}. */
    public AdaLayerNormZero(StateDict w, int embeddingDim) {
        this.linear = new Linear(w.child("linear"), embeddingDim, 6L * embeddingDim);
    }

    /**
     * @param x [B, N, D]
     * @param emb [B, D]
     */
    public Output forward(NDArray x, NDArray emb) {
        Modulation m = modulation(emb);
        return new Output(normalize(x, m), m.gateMsa(), m.shiftMlp(), m.scaleMlp(), m.gateMlp());
    }

    /**
     * The six modulation vectors {@code linear(silu(emb))}, each [B, C].
     *
     * @param emb [B, C]
     */
    public Modulation modulation(NDArray emb) {
        NDArray e = linear.forward(F.silu(emb));
        // chunk order: shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp
        NDList c = F.chunk(e, 6, 1);
        return new Modulation(c.get(0), c.get(1), c.get(2), c.get(3), c.get(4), c.get(5));
    }

    /** {@code norm(x) * (1 + scale_msa) + shift_msa} for x [B, N, C]; only the result outlives the scope. */
    public NDArray normalize(NDArray x, Modulation m) {
        return Scoped.keep(() -> norm.forward(x).mul(m.scaleMsa().expandDims(1).add(1f))
                .add(m.shiftMsa().expandDims(1)), x);
    }

    /**
     * diffusers {@code HunyuanVideoTokenReplaceAdaLayerNormZero} (same {@code linear}): the first-frame tokens
     * modulated by {@code first}, the others by {@code m}.
     *
     * @param x [B, N, C]
     * @param m from {@code temb}
     * @param first from {@code token_replace_emb}
     * @param tokenReplace where the first frame ends
     */
    public NDArray normalize(NDArray x, Modulation m, Modulation first, TokenReplace tokenReplace) {
        return Scoped.keep(() -> tokenReplace.split(norm.forward(x),
                zero -> zero.mul(first.scaleMsa().expandDims(1).add(1f)).add(first.shiftMsa().expandDims(1)),
                orig -> orig.mul(m.scaleMsa().expandDims(1).add(1f)).add(m.shiftMsa().expandDims(1))), x);
    }

    /** The modulation vectors, [B, C] each, in the reference's chunk order. */
    public record Modulation(NDArray shiftMsa, NDArray scaleMsa, NDArray gateMsa, NDArray shiftMlp, NDArray scaleMlp,
            NDArray gateMlp) { }
}
