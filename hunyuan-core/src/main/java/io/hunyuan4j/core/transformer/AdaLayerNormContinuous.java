package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code AdaLayerNormContinuous(embedding_dim, conditioning_embedding_dim, elementwise_affine=False,
 * eps=1e-6)}, the DiT's {@code norm_out}. Its chunk order is {@code scale, shift} (scale first), unlike the
 * AdaLN-Zero norms.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/normalization.py">diffusers AdaLayerNormContinuous</a>
 */
public final class AdaLayerNormContinuous {

    private final Linear linear;
    private final LayerNorm norm;

    /** Binds {@code linear [2 D, cond]}; the norm has no affine weights. */
    public AdaLayerNormContinuous(StateDict w, int embeddingDim, int conditioningEmbeddingDim, float eps) {
        this.linear = new Linear(w.child("linear"), conditioningEmbeddingDim, 2L * embeddingDim);
        this.norm = LayerNorm.noAffine(eps);
    }

    /**
     * @param x [B, N, D]
     * @param conditioningEmbedding [B, cond]
     * @return [B, N, D]
     */
    public NDArray forward(NDArray x, NDArray conditioningEmbedding) {
        NDArray emb = linear.forward(F.silu(conditioningEmbedding));
        // chunk order: scale, shift (scale FIRST)
        NDList c = F.chunk(emb, 2, 1);
        return norm.forward(x).mul(c.get(0).add(1f).expandDims(1)).add(c.get(1).expandDims(1));
    }
}
