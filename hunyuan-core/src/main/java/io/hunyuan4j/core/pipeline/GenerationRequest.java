package io.hunyuan4j.core.pipeline;

import org.jspecify.annotations.Nullable;

/**
 * One text-to-video (or, with one frame, text-to-image) request: the arguments of diffusers'
 * {@code HunyuanVideoPipeline.__call__}. Immutable; start from {@link #of(String)} (or
 * {@link #ofEmbeds(PromptEmbeds)}) and copy with the {@code with*} methods, {@code java.time} style:
 *
 * <pre>{@code
 * GenerationRequest r = GenerationRequest.of("A cat walks on the grass, realistic")
 *         .withSize(320, 512).withFrames(61).withSteps(30).withSeed(42);
 * }</pre>
 *
 * <p>Every value is checked when the record is created; a bad value throws {@link IllegalArgumentException}
 * naming the parameter, the value and the rule. Checks that need the model (latent shape, embedding widths)
 * run in {@link VideoPipeline#generate} before any model work.
 *
 * @param prompt the text; null only when {@code promptEmbeds} is given
 * @param negativePrompt the text true classifier-free guidance steers away from, or null
 * @param height pixels, divisible by 16 (reference default 720)
 * @param width pixels, divisible by 16 (reference default 1280)
 * @param frames {@code 4k + 1}; 1 generates a single image (reference default 129)
 * @param steps denoising steps, 1..{@value #MAX_STEPS} (reference default 50)
 * @param guidanceScale embedded (distilled) guidance, finite and >= 0, passed to the DiT times
 *     {@link VideoPipeline#GUIDANCE_EMBED_SCALE} (default 6.0)
 * @param trueCfgScale true classifier-free guidance, finite and >= 1 (default 1.0 = off); above 1 with a
 *     negative prompt each step runs the DiT twice and uses {@code neg + scale * (pos - neg)}; above 1 without a
 *     negative prompt it has no effect: the reference warns and runs without it, and so does this SDK (a
 *     warning is logged and {@link Provenance#trueCfgApplied()} is false)
 * @param flowShift overrides the scheduler's {@code shift}, or null to keep it
 * @param seed seeds the host-side noise generator; null with no {@code initialLatents} draws a fresh seed
 *     (recorded in the provenance so the run can be repeated)
 * @param initialLatents diffusers' {@code latents=}: the starting noise [1, C, T', H', W'] instead of the seed
 * @param fps frames per second of the written video, 1..240 (default 24)
 * @param promptEmbeds precomputed conditioning instead of {@code prompt} (then the prompt encoder is not run)
 * @param negativePromptEmbeds precomputed negative conditioning instead of {@code negativePrompt}
 */
public record GenerationRequest(@Nullable String prompt, @Nullable String negativePrompt, int height, int width,
        int frames, int steps, float guidanceScale, float trueCfgScale, @Nullable Float flowShift,
        @Nullable Long seed, @Nullable Latents initialLatents, int fps, @Nullable PromptEmbeds promptEmbeds,
        @Nullable PromptEmbeds negativePromptEmbeds) {

    /** diffusers {@code __call__} default {@code height}. */
    public static final int DEFAULT_HEIGHT = 720;
    /** diffusers {@code __call__} default {@code width}. */
    public static final int DEFAULT_WIDTH = 1280;
    /** diffusers {@code __call__} default {@code num_frames}. */
    public static final int DEFAULT_FRAMES = 129;
    /** diffusers {@code __call__} default {@code num_inference_steps}. */
    public static final int DEFAULT_STEPS = 50;
    /** diffusers {@code __call__} default {@code guidance_scale}. */
    public static final float DEFAULT_GUIDANCE_SCALE = 6.0f;
    /** diffusers {@code __call__} default {@code true_cfg_scale}. */
    public static final float DEFAULT_TRUE_CFG_SCALE = 1.0f;
    /** diffusers {@code export_to_video} default. */
    public static final int DEFAULT_FPS = 24;
    /**
     * Most denoising steps: ten times the scheduler's 1000 training timesteps. Every schedule array is sized by
     * the step count, so {@code Integer.MAX_VALUE} would overflow it.
     */
    public static final int MAX_STEPS = 10_000;

    public GenerationRequest {
        if (prompt == null && promptEmbeds == null) {
            throw new IllegalArgumentException("prompt is null and promptEmbeds is null; provide exactly one");
        }
        if (prompt != null && promptEmbeds != null) {
            throw new IllegalArgumentException("prompt ('" + prompt + "') and promptEmbeds are both given;"
                    + " provide exactly one");
        }
        if (negativePrompt != null && negativePromptEmbeds != null) {
            throw new IllegalArgumentException("negativePrompt ('" + negativePrompt + "') and negativePromptEmbeds"
                    + " are both given; provide at most one");
        }
        requireDivisibleBy16("height", height);
        requireDivisibleBy16("width", width);
        if (frames < 1 || (frames - 1) % 4 != 0) {
            throw new IllegalArgumentException("frames must be 4k+1 (1, 5, 9, ..., 129) but is " + frames);
        }
        if (steps < 1 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("steps must be in [1, " + MAX_STEPS + "] but is " + steps);
        }
        if (!Float.isFinite(guidanceScale) || guidanceScale < 0) {
            throw new IllegalArgumentException("guidanceScale must be a finite number >= 0 but is " + guidanceScale);
        }
        if (!Float.isFinite(trueCfgScale) || trueCfgScale < 1) {
            throw new IllegalArgumentException("trueCfgScale must be a finite number >= 1 (1 = off) but is "
                    + trueCfgScale);
        }
        if (flowShift != null && (!Float.isFinite(flowShift) || flowShift <= 0)) {
            throw new IllegalArgumentException("flowShift must be a finite number > 0 but is " + flowShift);
        }
        if (seed != null && initialLatents != null) {
            throw new IllegalArgumentException("seed (" + seed + ") and initialLatents are both given;"
                    + " provide at most one");
        }
        if (initialLatents != null && initialLatents.shape()[0] != 1) {
            throw new IllegalArgumentException("initialLatents batch must be 1 but is " + initialLatents.shape()[0]);
        }
        if (fps < 1 || fps > 240) {
            throw new IllegalArgumentException("fps must be in [1, 240] but is " + fps);
        }
    }

    private static void requireDivisibleBy16(String name, int v) {
        if (v < 16 || v % 16 != 0) {
            throw new IllegalArgumentException(name + " must be a positive multiple of 16 but is " + v);
        }
    }

    /** A request for {@code prompt} with the reference's defaults (720x1280, 129 frames, 50 steps). */
    public static GenerationRequest of(String prompt) {
        return new GenerationRequest(prompt, null, DEFAULT_HEIGHT, DEFAULT_WIDTH, DEFAULT_FRAMES, DEFAULT_STEPS,
                DEFAULT_GUIDANCE_SCALE, DEFAULT_TRUE_CFG_SCALE, null, null, null, DEFAULT_FPS, null, null);
    }

    /** A request with precomputed conditioning and the reference's defaults. */
    public static GenerationRequest ofEmbeds(PromptEmbeds promptEmbeds) {
        return new GenerationRequest(null, null, DEFAULT_HEIGHT, DEFAULT_WIDTH, DEFAULT_FRAMES, DEFAULT_STEPS,
                DEFAULT_GUIDANCE_SCALE, DEFAULT_TRUE_CFG_SCALE, null, null, null, DEFAULT_FPS, promptEmbeds, null);
    }

    /** Whether a negative condition (text or embeddings) is present. */
    public boolean hasNegative() {
        return negativePrompt != null || negativePromptEmbeds != null;
    }

    /** diffusers {@code do_true_cfg = true_cfg_scale > 1 and has_neg_prompt}. */
    public boolean doTrueCfg() {
        return trueCfgScale > 1 && hasNegative();
    }

    /** Whether a single image (one frame) is requested. */
    public boolean isImage() {
        return frames == 1;
    }

    /** With another prompt (clears {@code promptEmbeds}). */
    public GenerationRequest withPrompt(String p) {
        return new GenerationRequest(p, negativePrompt, height, width, frames, steps, guidanceScale, trueCfgScale,
                flowShift, seed, initialLatents, fps, null, negativePromptEmbeds);
    }

    /** With a negative prompt (clears {@code negativePromptEmbeds}); null removes it. */
    public GenerationRequest withNegativePrompt(@Nullable String p) {
        return new GenerationRequest(prompt, p, height, width, frames, steps, guidanceScale, trueCfgScale,
                flowShift, seed, initialLatents, fps, promptEmbeds, null);
    }

    /** With another size in pixels. */
    public GenerationRequest withSize(int h, int w) {
        return new GenerationRequest(prompt, negativePrompt, h, w, frames, steps, guidanceScale, trueCfgScale,
                flowShift, seed, initialLatents, fps, promptEmbeds, negativePromptEmbeds);
    }

    /** With another frame count ({@code 4k + 1}; 1 = an image). */
    public GenerationRequest withFrames(int f) {
        return new GenerationRequest(prompt, negativePrompt, height, width, f, steps, guidanceScale, trueCfgScale,
                flowShift, seed, initialLatents, fps, promptEmbeds, negativePromptEmbeds);
    }

    /** With another number of denoising steps. */
    public GenerationRequest withSteps(int n) {
        return new GenerationRequest(prompt, negativePrompt, height, width, frames, n, guidanceScale, trueCfgScale,
                flowShift, seed, initialLatents, fps, promptEmbeds, negativePromptEmbeds);
    }

    /** With another embedded guidance scale. */
    public GenerationRequest withGuidanceScale(float g) {
        return new GenerationRequest(prompt, negativePrompt, height, width, frames, steps, g, trueCfgScale,
                flowShift, seed, initialLatents, fps, promptEmbeds, negativePromptEmbeds);
    }

    /** With another true-CFG scale. */
    public GenerationRequest withTrueCfgScale(float g) {
        return new GenerationRequest(prompt, negativePrompt, height, width, frames, steps, guidanceScale, g,
                flowShift, seed, initialLatents, fps, promptEmbeds, negativePromptEmbeds);
    }

    /** With a flow-shift override; null keeps the scheduler's. */
    public GenerationRequest withFlowShift(@Nullable Float s) {
        return new GenerationRequest(prompt, negativePrompt, height, width, frames, steps, guidanceScale,
                trueCfgScale, s, seed, initialLatents, fps, promptEmbeds, negativePromptEmbeds);
    }

    /** With a noise seed (clears {@code initialLatents}). */
    public GenerationRequest withSeed(long s) {
        return new GenerationRequest(prompt, negativePrompt, height, width, frames, steps, guidanceScale,
                trueCfgScale, flowShift, s, null, fps, promptEmbeds, negativePromptEmbeds);
    }

    /** With caller-supplied starting noise (clears {@code seed}). */
    public GenerationRequest withInitialLatents(Latents l) {
        return new GenerationRequest(prompt, negativePrompt, height, width, frames, steps, guidanceScale,
                trueCfgScale, flowShift, null, l, fps, promptEmbeds, negativePromptEmbeds);
    }

    /** With another frame rate for the written video. */
    public GenerationRequest withFps(int f) {
        return new GenerationRequest(prompt, negativePrompt, height, width, frames, steps, guidanceScale,
                trueCfgScale, flowShift, seed, initialLatents, f, promptEmbeds, negativePromptEmbeds);
    }

    /** With precomputed conditioning (clears {@code prompt}). */
    public GenerationRequest withPromptEmbeds(PromptEmbeds e) {
        return new GenerationRequest(null, negativePrompt, height, width, frames, steps, guidanceScale,
                trueCfgScale, flowShift, seed, initialLatents, fps, e, negativePromptEmbeds);
    }

    /** With precomputed negative conditioning (clears {@code negativePrompt}). */
    public GenerationRequest withNegativePromptEmbeds(PromptEmbeds e) {
        return new GenerationRequest(prompt, null, height, width, frames, steps, guidanceScale,
                trueCfgScale, flowShift, seed, initialLatents, fps, promptEmbeds, e);
    }

    @Override
    public String toString() {
        return "GenerationRequest[prompt=" + (prompt == null ? "<embeds>" : "'" + prompt + "'")
                + (hasNegative() ? ", negative=" + (negativePrompt == null ? "<embeds>" : "'" + negativePrompt + "'")
                        : "")
                + ", " + height + "x" + width + ", frames=" + frames + ", steps=" + steps
                + ", guidanceScale=" + guidanceScale + ", trueCfgScale=" + trueCfgScale
                + (flowShift == null ? "" : ", flowShift=" + flowShift)
                + (seed == null ? "" : ", seed=" + seed) + (initialLatents == null ? "" : ", " + initialLatents)
                + ", fps=" + fps + "]";
    }
}
