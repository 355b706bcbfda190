package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code TimestepEmbedding(in_channels, time_embed_dim)} with its default SiLU:
 * {@code linear_2(silu(linear_1(x)))}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/embeddings.py">diffusers TimestepEmbedding</a>
 */
public final class TimestepEmbedding {

    private final Linear linear1;
    private final Linear linear2;

    /** Binds {@code linear_1 [dim, in]} and {@code linear_2 [dim, dim]}. */
    public TimestepEmbedding(StateDict w, int inChannels, int timeEmbedDim) {
        this.linear1 = new Linear(w.child("linear_1"), inChannels, timeEmbedDim);
        this.linear2 = new Linear(w.child("linear_2"), timeEmbedDim, timeEmbedDim);
    }

    /**
     * @param sample [B, in]
     * @return [B, time_embed_dim]
     */
    public NDArray forward(NDArray sample) {
        return linear2.forward(F.silu(linear1.forward(sample)));
    }
}
