package io.hunyuan4j.cogvideox.pipeline;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.scheduler.SchedulerNoise;

/**
 * The VAE encoder as CogVideoX image-to-video uses it: diffusers'
 * {@code retrieve_latents(vae.encode(image), generator)}, a sample of the posterior (mean + std * noise), not yet
 * scaled. The CogVideoX VAE (or an adapter around it) implements this; the pipeline scales and pads the result.
 */
@FunctionalInterface
public interface ImageLatentEncoder {

    /**
     * Encodes one image as a 1-frame video.
     *
     * @param image [1, 3, 1, H, W] in [-1, 1], float32
     * @param noise the generation's noise source: the posterior sample draws one [1, C, 1, h, w] tensor from it
     * @return the sampled latents [1, C, 1, h, w], float32, in {@code image}'s manager
     */
    NDArray encode(NDArray image, SchedulerNoise noise);
}
