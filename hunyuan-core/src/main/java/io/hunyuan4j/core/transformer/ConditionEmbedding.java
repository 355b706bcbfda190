package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code HunyuanVideoConditionEmbedding}: the conditioning
 * vector {@code temb = timestep_embedder(time_proj(t)) + guidance_embedder(time_proj(g)) + text_embedder(pooled)}
 * that modulates every block.
 *
 * <p>Guidance arrives already multiplied by 1000 (the pipeline does it) and is embedded with the same
 * 256-channel sinusoid as the timestep, through its own MLP. The token-replace branch is
 * {@link #tokenReplaceEmb}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoConditionEmbedding</a>
 */
public final class ConditionEmbedding {

    /** diffusers: {@code Timesteps(num_channels=256, flip_sin_to_cos=True, downscale_freq_shift=0)}. */
    public static final int TIME_PROJ_CHANNELS = 256;

    private final Timesteps timeProj;
    private final TimestepEmbedding timestepEmbedder;
    private final PixArtAlphaTextProjection textEmbedder;
    private final @Nullable TimestepEmbedding guidanceEmbedder;

    /**
     * Binds {@code timestep_embedder.*}, {@code text_embedder.*} and, with guidance embeds,
     * {@code guidance_embedder.*}.
     */
    public ConditionEmbedding(StateDict w, int embeddingDim, int pooledProjectionDim, boolean guidanceEmbeds) {
        this.timeProj = new Timesteps(TIME_PROJ_CHANNELS, true, 0f);
        this.timestepEmbedder = new TimestepEmbedding(w.child("timestep_embedder"), TIME_PROJ_CHANNELS,
                embeddingDim);
        this.textEmbedder = new PixArtAlphaTextProjection(w.child("text_embedder"), pooledProjectionDim,
                embeddingDim);
        this.guidanceEmbedder = guidanceEmbeds
                ? new TimestepEmbedding(w.child("guidance_embedder"), TIME_PROJ_CHANNELS, embeddingDim) : null;
    }

    /**
     * Computes {@code temb}.
     *
     * @param timestep [B] float, {@code sigma * 1000}
     * @param pooledProjection [B, pooled_projection_dim]
     * @param guidance [B] float ({@code guidance_scale * 1000}); required iff the model has guidance embeds
     * @param listener receives {@code time_proj.timestep}, {@code time_proj.guidance}, {@code timestep_embedder},
     *     {@code guidance_embedder}, {@code text_embedder}
     * @return [B, embedding_dim]
     */
    public NDArray forward(NDArray timestep, NDArray pooledProjection, @Nullable NDArray guidance,
            IntermediateListener listener) {
        NDArray timestepsProj = timeProj.forward(timestep);
        listener.onIntermediate("time_proj.timestep", timestepsProj);
        // timesteps_proj.to(dtype=pooled_projection.dtype)
        NDArray timestepsEmb = timestepEmbedder.forward(F.castLike(timestepsProj, pooledProjection)); // (N, D)
        listener.onIntermediate("timestep_embedder", timestepsEmb);
        NDArray pooledProjections = textEmbedder.forward(pooledProjection);
        listener.onIntermediate("text_embedder", pooledProjections);
        TimestepEmbedding g = guidanceEmbedder;
        if (g == null) {
            return timestepsEmb.add(pooledProjections);
        }
        if (guidance == null) {
            throw new IllegalArgumentException("guidance is null but the model has guidance embeds"
                    + " (guidance_embeds=true): pass guidance_scale * 1000 per batch item");
        }
        NDArray guidanceProj = timeProj.forward(guidance);
        listener.onIntermediate("time_proj.guidance", guidanceProj);
        NDArray guidanceEmb = g.forward(F.castLike(guidanceProj, pooledProjection));
        listener.onIntermediate("guidance_embedder", guidanceEmb);
        return timestepsEmb.add(guidanceEmb).add(pooledProjections);
    }

    /**
     * {@code token_replace_emb} of diffusers' token-replace branch ({@code image_condition_type="token_replace"}):
     * {@code timestep_embedder(time_proj(zeros_like(t))) + text_embedder(pooled)}, the conditioning the clean
     * first frame is modulated with.
     *
     * @param timestep [B] float32 (only its shape is used)
     * @param pooledProjection [B, pooled_projection_dim]
     * @return [B, embedding_dim]
     */
    public NDArray tokenReplaceEmb(NDArray timestep, NDArray pooledProjection) {
        NDArray tokenReplaceProj = timeProj.forward(timestep.zerosLike());
        NDArray tokenReplaceEmb = timestepEmbedder.forward(F.castLike(tokenReplaceProj, pooledProjection));
        return tokenReplaceEmb.add(textEmbedder.forward(pooledProjection));
    }
}
