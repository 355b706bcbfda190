package io.hunyuan4j.cogvideox.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code CogVideoXLayerNormZero}: six modulation vectors {@code linear(silu(temb))} in the order
 * (shift, scale, gate, enc_shift, enc_scale, enc_gate), and ONE LayerNorm applied to both the video and the text
 * stream, each modulated with its own shift and scale.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/normalization.py">diffusers CogVideoXLayerNormZero</a>
 */
public final class CogVideoXLayerNormZero {

    /**
     * The reference's return tuple.
     *
     * @param hiddenStates normalised, modulated video tokens [B, N, C]
     * @param encoderHiddenStates normalised, modulated text tokens [B, L, C]
     * @param gate video gate [B, 1, C]
     * @param encGate text gate [B, 1, C]
     */
    public record Output(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray gate, NDArray encGate) { }

    private final Linear linear;
    private final LayerNorm norm;

    /**
     * Binds {@code linear [6 C, conditioning_dim]} (with bias) and {@code norm} (affine when
     * {@code elementwiseAffine}).
     */
    public CogVideoXLayerNormZero(StateDict w, int conditioningDim, int embeddingDim, boolean elementwiseAffine,
            float eps) {
        this.linear = new Linear(w.child("linear"), conditioningDim, 6L * embeddingDim);
        this.norm = elementwiseAffine ? LayerNorm.affine(w.child("norm"), embeddingDim, eps) : LayerNorm.noAffine(eps);
    }

    /**
     * @param hiddenStates [B, N, C]
     * @param encoderHiddenStates [B, L, C]
     * @param temb [B, conditioning_dim]
     */
    public Output forward(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray temb) {
        NDList m = F.chunk(linear.forward(F.silu(temb)).expandDims(1), 6, 2); // 6 x [B, 1, C]
        // scoped: the normed and scaled intermediates (two activations per stream) die at once
        NDArray h = Scoped.keep(() -> norm.forward(hiddenStates).mul(m.get(1).add(1f)).add(m.get(0)), hiddenStates);
        NDArray e = Scoped.keep(() -> norm.forward(encoderHiddenStates).mul(m.get(4).add(1f)).add(m.get(3)),
                encoderHiddenStates);
        return new Output(h, e, m.get(2), m.get(5));
    }
}
