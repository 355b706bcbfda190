package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code PixArtAlphaTextProjection(in_features, hidden_size, act_fn="silu")}:
 * {@code linear_2(silu(linear_1(caption)))}. HunyuanVideo uses it for the pooled CLIP vector and, in the token
 * refiner, for the masked mean of the text tokens.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/embeddings.py">diffusers PixArtAlphaTextProjection</a>
 */
public final class PixArtAlphaTextProjection {

    private final Linear linear1;
    private final Linear linear2;

    /** Binds {@code linear_1 [hidden, in]} and {@code linear_2 [hidden, hidden]}. */
    public PixArtAlphaTextProjection(StateDict w, int inFeatures, int hiddenSize) {
        this(w, inFeatures, hiddenSize, hiddenSize);
    }

    /**
     * With {@code out_features} (HunyuanDiT's text and extra embedders): binds {@code linear_1 [hidden, in]} and
     * {@code linear_2 [out, hidden]}. diffusers' {@code act_fn="silu_fp32"} is this SiLU on a float32 input.
     */
    public PixArtAlphaTextProjection(StateDict w, int inFeatures, int hiddenSize, int outFeatures) {
        this.linear1 = new Linear(w.child("linear_1"), inFeatures, hiddenSize);
        this.linear2 = new Linear(w.child("linear_2"), hiddenSize, outFeatures);
    }

    /**
     * @param caption [B, in]
     * @return [B, out] ({@code out_features}, by default hidden)
     */
    public NDArray forward(NDArray caption) {
        return linear2.forward(F.silu(linear1.forward(caption)));
    }
}
