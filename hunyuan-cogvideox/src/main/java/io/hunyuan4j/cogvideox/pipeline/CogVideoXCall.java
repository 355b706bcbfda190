package io.hunyuan4j.cogvideox.pipeline;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.scheduler.SchedulerNoise;
import org.jspecify.annotations.Nullable;

/**
 * The arguments of diffusers' {@code CogVideoXPipeline.__call__} / {@code CogVideoXImageToVideoPipeline.__call__}
 * with precomputed prompt embeddings: the pipeline's lower-level entry ({@link CogVideoXPipeline#call}).
 *
 * @param promptEmbeds T5 embeddings [B, L, D] (no mask: padding tokens included)
 * @param negativePromptEmbeds [B, L, D], required when {@code guidanceScale > 1} (classifier-free guidance)
 * @param latents the initial noise [B, F', C, h, w] (frames before channels), or null to draw it from
 *     {@code noise}
 * @param image image-to-video: [B, 3, H, W] in [0, 1] at the output size, or null for text-to-video
 * @param height output height in pixels (a multiple of the VAE's spatial factor times the patch size)
 * @param width output width in pixels
 * @param numFrames output frames ({@code 4k + 1} for a temporal compression of 4)
 * @param numInferenceSteps denoising steps
 * @param guidanceScale classifier-free guidance scale (guidance runs when it is above 1)
 * @param useDynamicCfg diffusers' {@code use_dynamic_cfg}: the scale follows a cosine in the timestep
 * @param noise the generation's noise source (torch's generator in diffusers): image-latent sampling first, then
 *     the initial latents (when not given), then the scheduler's draws
 * @param decode whether to decode the latents to video (false: diffusers' {@code output_type="latent"})
 */
public record CogVideoXCall(NDArray promptEmbeds, @Nullable NDArray negativePromptEmbeds, @Nullable NDArray latents,
        @Nullable NDArray image, int height, int width, int numFrames, int numInferenceSteps, double guidanceScale,
        boolean useDynamicCfg, SchedulerNoise noise, boolean decode) {

    /** Checks the scalar arguments. */
    public CogVideoXCall {
        if (height < 1 || width < 1 || numFrames < 1) {
            throw new IllegalArgumentException("height, width and num_frames must be positive but are " + height
                    + ", " + width + ", " + numFrames);
        }
        if (numInferenceSteps < 1) {
            throw new IllegalArgumentException("num_inference_steps must be >= 1 but is " + numInferenceSteps);
        }
        if (!Double.isFinite(guidanceScale) || guidanceScale < 0) {
            throw new IllegalArgumentException("guidance_scale must be finite and >= 0 but is " + guidanceScale);
        }
    }

    /** diffusers: {@code do_classifier_free_guidance = guidance_scale > 1.0}. */
    public boolean doClassifierFreeGuidance() {
        return guidanceScale > 1.0;
    }
}
