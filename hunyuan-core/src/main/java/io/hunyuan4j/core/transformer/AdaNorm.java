package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code HunyuanVideoAdaNorm(in_features, out_features=2*in_features)}: the token-refiner block's two
 * gates from {@code linear(silu(temb))}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoAdaNorm</a>
 */
public final class AdaNorm {

    /**
     * The gates, each unsqueezed to broadcast over tokens.
     *
     * @param gateMsa [B, 1, D]
     * @param gateMlp [B, 1, D]
     */
    public record Gates(NDArray gateMsa, NDArray gateMlp) { }

    private final Linear linear;

    /** Binds {@code linear [out, in]}. */
    public AdaNorm(StateDict w, int inFeatures, int outFeatures) {
        if (outFeatures != 2 * inFeatures) {
            throw new IllegalArgumentException("AdaNorm out_features must be 2 * in_features = " + 2 * inFeatures
                    + " but is " + outFeatures);
        }
        this.linear = new Linear(w.child("linear"), inFeatures, outFeatures);
    }

    /** @param temb [B, D] */
    public Gates forward(NDArray temb) {
        NDArray e = linear.forward(F.silu(temb));
        // chunk order: gate_msa, gate_mlp
        NDList c = F.chunk(e, 2, 1);
        return new Gates(c.get(0).expandDims(1), c.get(1).expandDims(1));
    }
}
