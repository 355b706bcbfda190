package io.hunyuan4j.core.pipeline;

import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.PromptEmbeds;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One text-to-video (or, with one frame, text-to-image) request: the arguments of diffusers'
 * {@code HunyuanVideoPipeline.__call__}. Immutable; start from {@link #of(String)} (or
 * {@link #of(List)}, {@link #ofEmbeds(PromptEmbeds)}) and copy with the {@code with*} methods, {@code java.time}
 * style:
 *
 * <pre>{@code
 * GenerationRequest r = GenerationRequest.of("A cat walks on the grass, realistic")
 *         .withSize(320, 512).withFrames(61).withSteps(30).withSeed(42);
 * }</pre>
 *
 * <p><b>Batches.</b> Like diffusers' {@code prompt=[a, b]} and {@code num_videos_per_prompt}, a request may
 * carry several prompts (or prompt embeddings of batch P) and ask for several videos per prompt; the pipeline
 * runs them as one batch of {@link #batchSize()} = P x {@code videosPerPrompt} items, each with its own text
 * mask, and returns one {@link Video} per item in diffusers' order: prompt-major (item
 * {@code p * videosPerPrompt + v} is video v of prompt p). Item i's noise comes from seed {@code seed + i}, so any
 * item can be reproduced alone with a batch-1 request for its prompt and that seed (its provenance records
 * it).
 *
 * <p>Every value is checked when the record is created; a bad value throws {@link IllegalArgumentException}
 * naming the parameter, the value and the rule. Checks that need the model (latent shape, embedding widths)
 * run in {@link VideoPipeline#generate} before any model work.
 *
 * @param prompts the texts (at least one), or empty when {@code promptEmbeds} is given
 * @param negativePrompts the texts true classifier-free guidance steers away from: empty (none), one (used for
 *     every prompt), or one per prompt
 * @param videosPerPrompt diffusers' {@code num_videos_per_prompt}, 1..64 (default 1)
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
 * @param seed seeds the host-side noise generator (item i of the batch uses {@code seed + i}); null with no
 *     {@code initialLatents} draws a fresh seed (recorded in the provenance so the run can be repeated)
 * @param initialLatents diffusers' {@code latents=}: the starting noise [B, C, T', H', W'] instead of the seed,
 *     B = {@link #batchSize()}
 * @param fps frames per second of the written video, 1..240 (default 24)
 * @param promptEmbeds precomputed conditioning [P, L, D] instead of {@code prompts} (then the prompt encoder is
 *     not run)
 * @param negativePromptEmbeds precomputed negative conditioning instead of {@code negativePrompts}, batch 1 or
 *     P
 * @param rewrite whether the pipeline's {@link PromptRewriter} rewrites each prompt before encoding (default
 *     {@link PromptRewriter.Mode#NONE}); needs text prompts, not {@code promptEmbeds}
 * @param image the image an image-to-video model animates (diffusers {@code HunyuanVideoImageToVideoPipeline}'s
 *     {@code image}), the same for every item; null for text-to-video
 */
public record GenerationRequest(List<String> prompts, List<String> negativePrompts, int videosPerPrompt,
        int height, int width, int frames, int steps, float guidanceScale, float trueCfgScale,
        @Nullable Float flowShift, @Nullable Long seed, @Nullable Latents initialLatents, int fps,
        @Nullable PromptEmbeds promptEmbeds, @Nullable PromptEmbeds negativePromptEmbeds,
        PromptRewriter.Mode rewrite, @Nullable ConditionImage image) {

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
     * Largest height or width in pixels: 4x the model's 2K-class training sizes, far past what fits any device,
     * so a typo fails here rather than as an allocation failure deep in the pipeline.
     */
    public static final int MAX_SIDE = 8192;
    /** Most frames: eight times the reference's 129, as a guard against a typo. */
    public static final int MAX_FRAMES = 1025;
    /** The most items one request may batch (prompts x videos per prompt): a guard against a typo, not a limit of the model. */
    public static final int MAX_BATCH = 64;
    /**
     * Most denoising steps: ten times the scheduler's 1000 training timesteps. Every schedule array is sized by
     * the step count, so {@code Integer.MAX_VALUE} would overflow it.
     */
    public static final int MAX_STEPS = 10_000;

    /** Copies the prompt lists and checks every value, naming the parameter and the rule it breaks. */
    public GenerationRequest {
        prompts = copyOf("prompts", prompts);
        negativePrompts = copyOf("negativePrompts", negativePrompts);
        if (prompts.isEmpty() && promptEmbeds == null) {
            throw new IllegalArgumentException("prompts is empty and promptEmbeds is null; provide exactly one");
        }
        if (!prompts.isEmpty() && promptEmbeds != null) {
            throw new IllegalArgumentException("prompts ('" + preview(prompts.get(0)) + "'...) and promptEmbeds are"
                    + " both given; provide exactly one");
        }
        if (!negativePrompts.isEmpty() && negativePromptEmbeds != null) {
            throw new IllegalArgumentException("negativePrompts ('" + preview(negativePrompts.get(0))
                    + "'...) and negativePromptEmbeds are both given; provide at most one");
        }
        int p = promptEmbeds != null ? batchOf(promptEmbeds) : prompts.size();
        if (negativePrompts.size() > 1 && negativePrompts.size() != p) {
            throw new IllegalArgumentException("negativePrompts must hold 1 text or one per prompt (" + p
                    + ") but holds " + negativePrompts.size());
        }
        if (negativePromptEmbeds != null && batchOf(negativePromptEmbeds) != 1 && batchOf(negativePromptEmbeds) != p) {
            throw new IllegalArgumentException("negativePromptEmbeds batch must be 1 or the prompt batch " + p
                    + " but is " + batchOf(negativePromptEmbeds));
        }
        if (videosPerPrompt < 1 || (long) videosPerPrompt * p > MAX_BATCH) {
            throw new IllegalArgumentException("videosPerPrompt must be >= 1 with prompts x videosPerPrompt <= "
                    + MAX_BATCH + " but is " + videosPerPrompt + " for " + p + " prompt(s)");
        }
        requireDivisibleBy16("height", height);
        requireDivisibleBy16("width", width);
        if (frames < 1 || (frames - 1) % 4 != 0) {
            throw new IllegalArgumentException("frames must be 4k+1 (1, 5, 9, ..., 129) but is " + frames);
        }
        if (frames > MAX_FRAMES) {
            throw new IllegalArgumentException("frames must be at most " + MAX_FRAMES + " but is " + frames);
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
        if (initialLatents != null && initialLatents.shape()[0] != (long) p * videosPerPrompt) {
            throw new IllegalArgumentException("initialLatents batch must be prompts x videosPerPrompt = "
                    + ((long) p * videosPerPrompt) + " but is " + initialLatents.shape()[0]);
        }
        if (fps < 1 || fps > 240) {
            throw new IllegalArgumentException("fps must be in [1, 240] but is " + fps);
        }
        if (rewrite == null) {
            throw new IllegalArgumentException("rewrite must not be null (use PromptRewriter.Mode.NONE)");
        }
        if (rewrite != PromptRewriter.Mode.NONE && promptEmbeds != null) {
            throw new IllegalArgumentException("rewrite " + rewrite + " needs text prompts, but the request carries"
                    + " promptEmbeds, which have no text to rewrite");
        }
    }

    private static List<String> copyOf(String name, List<String> texts) {
        if (texts == null) {
            throw new IllegalArgumentException(name + " must not be null (use an empty list)");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException(name + "[" + i + "] is null");
            }
        }
        return List.copyOf(texts);
    }

    private static int batchOf(PromptEmbeds e) {
        Shape s = e.promptEmbeds().getShape();
        return s.dimension() == 0 ? 0 : (int) s.get(0);
    }

    private static String preview(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static void requireDivisibleBy16(String name, int v) {
        if (v < 16 || v % 16 != 0) {
            throw new IllegalArgumentException(name + " must be a positive multiple of 16 but is " + v);
        }
        if (v > MAX_SIDE) {
            throw new IllegalArgumentException(name + " must be at most " + MAX_SIDE + " pixels but is " + v);
        }
    }

    /** A request for {@code prompt} with the reference's defaults (720x1280, 129 frames, 50 steps). */
    public static GenerationRequest of(String prompt) {
        return of(List.of(prompt));
    }

    /** A batch of prompts (one video each) with the reference's defaults; see the class notes on batches. */
    public static GenerationRequest of(List<String> prompts) {
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException("prompts must hold at least one text but is " + prompts);
        }
        return new GenerationRequest(prompts, List.of(), 1, DEFAULT_HEIGHT, DEFAULT_WIDTH, DEFAULT_FRAMES,
                DEFAULT_STEPS, DEFAULT_GUIDANCE_SCALE, DEFAULT_TRUE_CFG_SCALE, null, null, null, DEFAULT_FPS, null,
                null, PromptRewriter.Mode.NONE, null);
    }

    /** A request with precomputed conditioning (batch P) and the reference's defaults. */
    public static GenerationRequest ofEmbeds(PromptEmbeds promptEmbeds) {
        return new GenerationRequest(List.of(), List.of(), 1, DEFAULT_HEIGHT, DEFAULT_WIDTH, DEFAULT_FRAMES,
                DEFAULT_STEPS, DEFAULT_GUIDANCE_SCALE, DEFAULT_TRUE_CFG_SCALE, null, null, null, DEFAULT_FPS,
                promptEmbeds, null, PromptRewriter.Mode.NONE, null);
    }

    /** The first prompt, or null when the request carries embeddings. */
    public @Nullable String prompt() {
        return prompts.isEmpty() ? null : prompts.get(0);
    }

    /** The first negative prompt, or null. */
    public @Nullable String negativePrompt() {
        return negativePrompts.isEmpty() ? null : negativePrompts.get(0);
    }

    /**
     * The negative prompt of each of {@code n} prompts: {@code ""} for each when none is given (what the
     * classifier-free guidance of diffusers' pipelines encodes then), the one text for each, else the texts (one
     * per prompt).
     */
    public List<String> negativePromptsFor(int n) {
        return negativePrompts.isEmpty() ? java.util.Collections.nCopies(n, "")
                : negativePrompts.size() == 1 ? java.util.Collections.nCopies(n, negativePrompts.get(0))
                : negativePrompts;
    }

    /** How many prompts (P): texts, or the batch of {@code promptEmbeds}. */
    public int promptCount() {
        return promptEmbeds != null ? batchOf(promptEmbeds) : prompts.size();
    }

    /** How many videos the request makes: prompts x videos per prompt. */
    public int batchSize() {
        return promptCount() * videosPerPrompt;
    }

    /** Whether a negative condition (text or embeddings) is present. */
    public boolean hasNegative() {
        return !negativePrompts.isEmpty() || negativePromptEmbeds != null;
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
        return withPrompts(List.of(p));
    }

    /** With other prompts, one video each per {@link #videosPerPrompt()} (clears {@code promptEmbeds}). */
    public GenerationRequest withPrompts(List<String> p) {
        return new GenerationRequest(p, negativePrompts, videosPerPrompt, height, width, frames, steps,
                guidanceScale, trueCfgScale, flowShift, seed, initialLatents, fps, null,
                negativePromptEmbeds, rewrite, image);
    }

    /** With a negative prompt for every prompt (clears {@code negativePromptEmbeds}); null removes it. */
    public GenerationRequest withNegativePrompt(@Nullable String p) {
        return withNegativePrompts(p == null ? List.of() : List.of(p));
    }

    /** With negative prompts: one for all, or one per prompt (clears {@code negativePromptEmbeds}). */
    public GenerationRequest withNegativePrompts(List<String> p) {
        return new GenerationRequest(prompts, p, videosPerPrompt, height, width, frames, steps, guidanceScale,
                trueCfgScale, flowShift, seed, initialLatents, fps, promptEmbeds, null, rewrite, image);
    }

    /** With another number of videos per prompt (diffusers' {@code num_videos_per_prompt}). */
    public GenerationRequest withVideosPerPrompt(int n) {
        return new GenerationRequest(prompts, negativePrompts, n, height, width, frames, steps, guidanceScale,
                trueCfgScale, flowShift, seed, initialLatents, fps, promptEmbeds, negativePromptEmbeds, rewrite, image);
    }

    /** With another size in pixels. */
    public GenerationRequest withSize(int h, int w) {
        return new GenerationRequest(prompts, negativePrompts, videosPerPrompt, h, w, frames, steps, guidanceScale,
                trueCfgScale, flowShift, seed, initialLatents, fps, promptEmbeds, negativePromptEmbeds, rewrite, image);
    }

    /** With another frame count ({@code 4k + 1}; 1 = an image). */
    public GenerationRequest withFrames(int f) {
        return new GenerationRequest(prompts, negativePrompts, videosPerPrompt, height, width, f, steps,
                guidanceScale, trueCfgScale, flowShift, seed, initialLatents, fps, promptEmbeds, negativePromptEmbeds,
                rewrite, image);
    }

    /** With another number of denoising steps. */
    public GenerationRequest withSteps(int n) {
        return new GenerationRequest(prompts, negativePrompts, videosPerPrompt, height, width, frames, n,
                guidanceScale, trueCfgScale, flowShift, seed, initialLatents, fps, promptEmbeds, negativePromptEmbeds,
                rewrite, image);
    }

    /** With another embedded guidance scale. */
    public GenerationRequest withGuidanceScale(float g) {
        return new GenerationRequest(prompts, negativePrompts, videosPerPrompt, height, width, frames, steps, g,
                trueCfgScale, flowShift, seed, initialLatents, fps, promptEmbeds, negativePromptEmbeds, rewrite, image);
    }

    /** With another true-CFG scale. */
    public GenerationRequest withTrueCfgScale(float g) {
        return new GenerationRequest(prompts, negativePrompts, videosPerPrompt, height, width, frames, steps,
                guidanceScale, g, flowShift, seed, initialLatents, fps, promptEmbeds, negativePromptEmbeds,
                rewrite, image);
    }

    /** With a flow-shift override; null keeps the scheduler's. */
    public GenerationRequest withFlowShift(@Nullable Float s) {
        return new GenerationRequest(prompts, negativePrompts, videosPerPrompt, height, width, frames, steps,
                guidanceScale, trueCfgScale, s, seed, initialLatents, fps, promptEmbeds,
                negativePromptEmbeds, rewrite, image);
    }

    /** With a noise seed (clears {@code initialLatents}); item i of a batch uses {@code s + i}. */
    public GenerationRequest withSeed(long s) {
        return new GenerationRequest(prompts, negativePrompts, videosPerPrompt, height, width, frames, steps,
                guidanceScale, trueCfgScale, flowShift, s, null, fps, promptEmbeds, negativePromptEmbeds,
                rewrite, image);
    }

    /** With caller-supplied starting noise [B, C, T', H', W'] (clears {@code seed}). */
    public GenerationRequest withInitialLatents(Latents l) {
        return new GenerationRequest(prompts, negativePrompts, videosPerPrompt, height, width, frames, steps,
                guidanceScale, trueCfgScale, flowShift, null, l, fps, promptEmbeds, negativePromptEmbeds,
                rewrite, image);
    }

    /** With another frame rate for the written video. */
    public GenerationRequest withFps(int f) {
        return new GenerationRequest(prompts, negativePrompts, videosPerPrompt, height, width, frames, steps,
                guidanceScale, trueCfgScale, flowShift, seed, initialLatents, f, promptEmbeds, negativePromptEmbeds,
                rewrite, image);
    }

    /**
     * With a prompt rewrite before encoding ({@link PromptRewriter.Mode#NONE} = none); the pipeline needs a
     * {@link VideoPipeline.Builder#promptRewriter rewriter}. Negative prompts are not rewritten.
     */
    public GenerationRequest withRewrite(PromptRewriter.Mode mode) {
        return new GenerationRequest(prompts, negativePrompts, videosPerPrompt, height, width, frames, steps,
                guidanceScale, trueCfgScale, flowShift, seed, initialLatents, fps, promptEmbeds, negativePromptEmbeds,
                mode, image);
    }

    /** With a conditioning image for an image-to-video model; null makes it a text-to-video request. */
    public GenerationRequest withImage(@Nullable ConditionImage i) {
        return new GenerationRequest(prompts, negativePrompts, videosPerPrompt, height, width, frames, steps,
                guidanceScale, trueCfgScale, flowShift, seed, initialLatents, fps, promptEmbeds, negativePromptEmbeds,
                rewrite, i);
    }

    /** With precomputed conditioning (clears {@code prompts}). */
    public GenerationRequest withPromptEmbeds(PromptEmbeds e) {
        return new GenerationRequest(List.of(), negativePrompts, videosPerPrompt, height, width, frames, steps,
                guidanceScale, trueCfgScale, flowShift, seed, initialLatents, fps, e, negativePromptEmbeds,
                rewrite, image);
    }

    /** With precomputed negative conditioning (clears {@code negativePrompts}). */
    public GenerationRequest withNegativePromptEmbeds(PromptEmbeds e) {
        return new GenerationRequest(prompts, List.of(), videosPerPrompt, height, width, frames, steps,
                guidanceScale, trueCfgScale, flowShift, seed, initialLatents, fps, promptEmbeds, e, rewrite, image);
    }

    @Override
    public String toString() {
        return "GenerationRequest[prompt" + (prompts.size() > 1 ? "s=" + quoted(prompts) : "="
                        + (prompts.isEmpty() ? "<embeds>" : "'" + preview(prompts.get(0)) + "'"))
                + (hasNegative() ? ", negative=" + (negativePrompts.isEmpty() ? "<embeds>" : quoted(negativePrompts))
                        : "")
                + (videosPerPrompt == 1 ? "" : ", videosPerPrompt=" + videosPerPrompt)
                + ", " + height + "x" + width + ", frames=" + frames + ", steps=" + steps
                + ", guidanceScale=" + guidanceScale + ", trueCfgScale=" + trueCfgScale
                + (flowShift == null ? "" : ", flowShift=" + flowShift)
                + (seed == null ? "" : ", seed=" + seed) + (initialLatents == null ? "" : ", " + initialLatents)
                + ", fps=" + fps + (image == null ? "" : ", image=" + image)
                + (rewrite == PromptRewriter.Mode.NONE ? "" : ", rewrite=" + rewrite) + "]";
    }

    private static String quoted(List<String> texts) {
        return texts.stream().map(t -> "'" + preview(t) + "'").collect(java.util.stream.Collectors.joining(", ",
                texts.size() > 1 ? "[" : "", texts.size() > 1 ? "]" : ""));
    }
}
