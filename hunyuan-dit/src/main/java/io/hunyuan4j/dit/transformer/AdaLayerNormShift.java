package io.hunyuan4j.dit.transformer;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code AdaLayerNormShift(embedding_dim, elementwise_affine=True, eps=1e-6)}, the HunyuanDiT block's
 * {@code norm1}: an affine {@code FP32LayerNorm} plus a shift {@code linear(silu(emb))} broadcast over tokens. Unlike
 * AdaLN-Zero there is no scale and no gate.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/hunyuan_transformer_2d.py">diffusers AdaLayerNormShift</a>
 */
public final class AdaLayerNormShift {

    private final Linear linear;
    private final LayerNorm norm;

    /** Binds {@code linear [D, D]} and {@code norm.{weight,bias} [D]}. */
    public AdaLayerNormShift(StateDict w, int embeddingDim, float eps) {
        this.linear = new Linear(w.child("linear"), embeddingDim, embeddingDim);
        this.norm = LayerNorm.affine(w.child("norm"), embeddingDim, eps);
    }

    /** {@code linear(silu(emb))}: the shift, [B, D]; computed once per forward and shared by the tokens. */
    public NDArray shift(NDArray emb) {
        return linear.forward(F.silu(emb));
    }

    /**
     * @param x [B, N, D]
     * @param shift {@link #shift} of the temb, [B, D]
     * @return {@code norm(x) + shift[:, None]} [B, N, D]
     */
    public NDArray forward(NDArray x, NDArray shift) {
        return norm.forward(x).add(shift.expandDims(1));
    }
}
