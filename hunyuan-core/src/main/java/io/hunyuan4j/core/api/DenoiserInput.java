package io.hunyuan4j.core.api;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * The DiT's keyword arguments, as the pipeline passes them to diffusers'
 * {@code HunyuanVideoTransformer3DModel.forward}.
 *
 * @param hiddenStates latents [B, C, T, H, W]
 * @param timestep [B] float32, {@code sigma * 1000}
 * @param encoderHiddenStates MLLM embeddings [B, L, text_embed_dim]
 * @param encoderAttentionMask [B, L], 1 valid then 0 trailing padding
 * @param pooledProjections CLIP pooled [B, pooled_projection_dim]
 * @param guidance [B] float32, {@code guidance_scale * 1000}, or null for a model without guidance embeds
 */
public record DenoiserInput(NDArray hiddenStates, NDArray timestep, NDArray encoderHiddenStates,
        NDArray encoderAttentionMask, NDArray pooledProjections, @Nullable NDArray guidance) { }
