package io.hunyuan4j.cogvideox.pipeline;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * What {@link CogVideoXPipeline#call} returns, in the caller's manager.
 *
 * @param latents the final latents [B, F', C, h, w] (diffusers' {@code output_type="latent"}, padding frames
 *     included)
 * @param video the decoded video [B, F, 3, H, W] in [0, 1] (diffusers' {@code output_type="pt"}), or null when
 *     not decoded
 */
public record CogVideoXOutput(NDArray latents, @Nullable NDArray video) { }
