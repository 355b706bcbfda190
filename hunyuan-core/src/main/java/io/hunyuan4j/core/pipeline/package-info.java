/**
 * Text-to-video generation: {@link io.hunyuan4j.core.pipeline.VideoPipeline} (diffusers'
 * {@code HunyuanVideoPipeline.__call__}, stage for stage), the immutable
 * {@link io.hunyuan4j.core.pipeline.GenerationRequest} and {@link io.hunyuan4j.core.pipeline.Video} with its
 * provenance, step listeners and cancellation, and the component interfaces the text and VAE modules implement
 * ({@code PromptEncoder}, {@code LatentDecoder}, {@code Denoiser}), found by {@link java.util.ServiceLoader} for
 * {@code VideoPipeline.fromPretrained(dir)}.
 */
@NullMarked
package io.hunyuan4j.core.pipeline;

import org.jspecify.annotations.NullMarked;
