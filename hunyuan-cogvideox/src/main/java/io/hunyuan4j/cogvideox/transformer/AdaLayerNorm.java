package io.hunyuan4j.cogvideox.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code AdaLayerNorm(embedding_dim, output_dim, chunk_dim=1)} as CogVideoX's {@code norm_out} uses it:
 * {@code linear(silu(temb))} chunked (SHIFT, SCALE) -- shift first, the reverse of the other AdaLN variants --,
 * then {@code norm(x) * (1 + scale) + shift}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/normalization.py">diffusers AdaLayerNorm</a>
 */
public final class AdaLayerNorm {

    private final Linear linear;
    private final LayerNorm norm;

    /** Binds {@code linear [output_dim, embedding_dim]} and {@code norm} over {@code output_dim / 2}. */
    public AdaLayerNorm(StateDict w, int embeddingDim, int outputDim, boolean elementwiseAffine, float eps) {
        this.linear = new Linear(w.child("linear"), embeddingDim, outputDim);
        this.norm = elementwiseAffine ? LayerNorm.affine(w.child("norm"), outputDim / 2, eps)
                : LayerNorm.noAffine(eps);
    }

    /**
     * @param x [B, N, C]
     * @param temb [B, embedding_dim]
     * @return [B, N, C]
     */
    public NDArray forward(NDArray x, NDArray temb) {
        NDList c = F.chunk(linear.forward(F.silu(temb)).expandDims(1), 2, 2); // shift, scale: [B, 1, C]
        return norm.forward(x).mul(c.get(1).add(1f)).add(c.get(0));
    }
}
