package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code CombinedTimestepTextProjEmbeddings(embedding_dim, pooled_projection_dim)}: the token refiner's
 * own conditioning, {@code timestep_embedder(time_proj(t)) + text_embedder(pooled)}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/embeddings.py">diffusers CombinedTimestepTextProjEmbeddings</a>
 */
public final class CombinedTimestepTextProjEmbeddings {

    private final Timesteps timeProj;
    private final TimestepEmbedding timestepEmbedder;
    private final PixArtAlphaTextProjection textEmbedder;

    /** Binds {@code timestep_embedder.*} and {@code text_embedder.*}. */
    public CombinedTimestepTextProjEmbeddings(StateDict w, int embeddingDim, int pooledProjectionDim) {
        this.timeProj = new Timesteps(ConditionEmbedding.TIME_PROJ_CHANNELS, true, 0f);
        this.timestepEmbedder = new TimestepEmbedding(w.child("timestep_embedder"),
                ConditionEmbedding.TIME_PROJ_CHANNELS, embeddingDim);
        this.textEmbedder = new PixArtAlphaTextProjection(w.child("text_embedder"), pooledProjectionDim,
                embeddingDim);
    }

    /**
     * @param timestep [B] float
     * @param pooledProjection [B, pooled_projection_dim]
     * @return [B, embedding_dim]
     */
    public NDArray forward(NDArray timestep, NDArray pooledProjection) {
        // timesteps_proj.to(dtype=pooled_projection.dtype)
        NDArray timestepsEmb = timestepEmbedder.forward(F.castLike(timeProj.forward(timestep), pooledProjection));
        NDArray pooledProjections = textEmbedder.forward(pooledProjection);
        return timestepsEmb.add(pooledProjections);
    }
}
