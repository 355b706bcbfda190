package io.hunyuan4j.dit.pipeline;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * The call-time arguments of {@code HunyuanDiTPipeline.__call__} besides the text embeddings, with its defaults in
 * {@link #defaults()}.
 *
 * @param height image height in pixels (floored to a multiple of 16)
 * @param width image width in pixels (floored to a multiple of 16)
 * @param numInferenceSteps denoising steps
 * @param guidanceScale classifier-free guidance scale (guidance on when > 1)
 * @param guidanceRescale std-matching rescale of the guided prediction, in [0, 1] (0: off)
 * @param originalHeight {@code original_size[0]}, an image-meta-size condition (v1.0/v1.1 models)
 * @param originalWidth {@code original_size[1]}
 * @param targetHeight {@code target_size[0]}, or 0 for the (binned) height
 * @param targetWidth {@code target_size[1]}, or 0 for the (binned) width
 * @param cropTop {@code crops_coords_top_left[0]}
 * @param cropLeft {@code crops_coords_top_left[1]}
 * @param useResolutionBinning snap the size to the nearest of the 10 standard shapes (off for exact sizes)
 * @param seed seed of the initial latents and of the DDPM noise when no noise source is given
 * @param latents initial latents [B, C, H/8, W/8], or null to draw them from the seed
 */
public record HunyuanDiTRequest(int height, int width, int numInferenceSteps, float guidanceScale,
        float guidanceRescale, int originalHeight, int originalWidth, int targetHeight, int targetWidth, int cropTop,
        int cropLeft, boolean useResolutionBinning, long seed, @Nullable NDArray latents) {

    /** Validates the numbers, before any heavy work. */
    public HunyuanDiTRequest {
        if (height < 16 || width < 16) {
            throw new IllegalArgumentException("height and width must be >= 16 but are " + height + "x" + width);
        }
        if (numInferenceSteps < 1) {
            throw new IllegalArgumentException("num_inference_steps must be >= 1 but is " + numInferenceSteps);
        }
        if (!(guidanceScale >= 0) || Float.isInfinite(guidanceScale)) {
            throw new IllegalArgumentException("guidance_scale must be a finite number >= 0 but is " + guidanceScale);
        }
        if (!(guidanceRescale >= 0 && guidanceRescale <= 1)) {
            throw new IllegalArgumentException("guidance_rescale must be in [0, 1] but is " + guidanceRescale);
        }
        if (originalHeight < 1 || originalWidth < 1 || targetHeight < 0 || targetWidth < 0 || cropTop < 0
                || cropLeft < 0) {
            throw new IllegalArgumentException("original_size must be positive, target_size and"
                    + " crops_coords_top_left non-negative");
        }
    }

    /** diffusers' defaults: 1024x1024, 50 steps, guidance 5, no rescale, original 1024x1024, binning on, seed 0. */
    public static HunyuanDiTRequest defaults() {
        return new HunyuanDiTRequest(1024, 1024, 50, 5.0f, 0.0f, 1024, 1024, 0, 0, 0, 0, true, 0L, null);
    }

    /** With another size. */
    public HunyuanDiTRequest withSize(int h, int w) {
        return new HunyuanDiTRequest(h, w, numInferenceSteps, guidanceScale, guidanceRescale, originalHeight,
                originalWidth, targetHeight, targetWidth, cropTop, cropLeft, useResolutionBinning, seed, latents);
    }

    /** With another step count. */
    public HunyuanDiTRequest withSteps(int steps) {
        return new HunyuanDiTRequest(height, width, steps, guidanceScale, guidanceRescale, originalHeight,
                originalWidth, targetHeight, targetWidth, cropTop, cropLeft, useResolutionBinning, seed, latents);
    }

    /** With another guidance scale and rescale. */
    public HunyuanDiTRequest withGuidance(float scale, float rescale) {
        return new HunyuanDiTRequest(height, width, numInferenceSteps, scale, rescale, originalHeight,
                originalWidth, targetHeight, targetWidth, cropTop, cropLeft, useResolutionBinning, seed, latents);
    }

    /** With resolution binning on or off. */
    public HunyuanDiTRequest withResolutionBinning(boolean on) {
        return new HunyuanDiTRequest(height, width, numInferenceSteps, guidanceScale, guidanceRescale,
                originalHeight, originalWidth, targetHeight, targetWidth, cropTop, cropLeft, on, seed, latents);
    }

    /** With another seed. */
    public HunyuanDiTRequest withSeed(long s) {
        return new HunyuanDiTRequest(height, width, numInferenceSteps, guidanceScale, guidanceRescale,
                originalHeight, originalWidth, targetHeight, targetWidth, cropTop, cropLeft, useResolutionBinning, s,
                latents);
    }

    /** With given initial latents. */
    public HunyuanDiTRequest withLatents(@Nullable NDArray l) {
        return new HunyuanDiTRequest(height, width, numInferenceSteps, guidanceScale, guidanceRescale,
                originalHeight, originalWidth, targetHeight, targetWidth, cropTop, cropLeft, useResolutionBinning,
                seed, l);
    }

    /** With the image-meta-size conditions (original size, target size, crop top-left). */
    public HunyuanDiTRequest withImageMeta(int origH, int origW, int targetH, int targetW, int top, int left) {
        return new HunyuanDiTRequest(height, width, numInferenceSteps, guidanceScale, guidanceRescale, origH, origW,
                targetH, targetW, top, left, useResolutionBinning, seed, latents);
    }
}
