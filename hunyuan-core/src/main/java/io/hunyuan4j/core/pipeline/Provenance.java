package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.lora.LoraWeight;
import io.hunyuan4j.core.cache.CacheStats;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.ops.ComputeDtype;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link Video} was made: enough to repeat the run and to explain its cost.
 *
 * @param request the request as given (with the user's prompts, before any rewrite)
 * @param batchIndex this video's index in the request's batch (prompt-major: video v of prompt p is
 *     {@code p * videosPerPrompt + v}); 0 for a single video
 * @param model where the components came from: a model folder, or a description such as {@code tiny-random}
 * @param scheduler the scheduler's name
 * @param schedulerParameters its parameters after any per-request flow-shift override
 * @param computeDtype the pipeline's compute precision
 * @param offload the pipeline's offload mode
 * @param seed the seed this video's noise came from (the request's seed plus {@code batchIndex}): a batch-1
 *     request for its prompt with this seed reproduces it; null when the request supplied initial latents
 * @param trueCfgApplied whether each step ran the DiT twice for true classifier-free guidance
 * @param modelEvaluations DiT forward passes in total
 * @param timings wall-clock time per stage, in stage order ({@code rewritePrompt} when the request asks for a
 *     rewrite, {@code encodePrompt}, {@code prepareLatents}, {@code denoise}, {@code decode}, {@code postprocess})
 * @param devicePeakBytes peak weight bytes the offloader placed on the device, per component, and under
 *     {@code "total"} the peak of all components together
 * @param rewrite this video's prompt as rewritten and encoded, beside the original, or null when the request
 *     asked for no rewrite
 * @param loras the LoRA adapters active on the DiT for this video, with their files and weights, in activation
 *     order; empty for the base model
 * @param stepCache what the pipeline's step cache computed and skipped (docs/caching.md), or null without one
 */
public record Provenance(GenerationRequest request, int batchIndex, String model, String scheduler,
        Map<String, String> schedulerParameters, ComputeDtype computeDtype, Offload offload, @Nullable Long seed,
        boolean trueCfgApplied, int modelEvaluations, Map<String, Duration> timings, Map<String, Long> devicePeakBytes,
        @Nullable RewrittenPrompt rewrite, List<LoraWeight> loras, @Nullable CacheStats stepCache) {

    /** Copies the maps. */
    public Provenance {
        schedulerParameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(schedulerParameters));
        timings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(timings));
        devicePeakBytes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(devicePeakBytes));
        loras = List.copyOf(loras);
    }

    /** A provenance without LoRA adapters (the base model) and without a step cache. */
    public Provenance(GenerationRequest request, int batchIndex, String model, String scheduler,
            Map<String, String> schedulerParameters, ComputeDtype computeDtype, Offload offload, @Nullable Long seed,
            boolean trueCfgApplied, int modelEvaluations, Map<String, Duration> timings,
            Map<String, Long> devicePeakBytes, @Nullable RewrittenPrompt rewrite) {
        this(request, batchIndex, model, scheduler, schedulerParameters, computeDtype, offload, seed, trueCfgApplied,
                modelEvaluations, timings, devicePeakBytes, rewrite, List.of(), null);
    }

    /** Sum of the stage timings. */
    public Duration total() {
        return timings.values().stream().reduce(Duration.ZERO, Duration::plus);
    }

    /** A one-paragraph human-readable description (for logs and file metadata). */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append(request).append(batchIndex == 0 && request.batchSize() == 1 ? "" : "; item=" + batchIndex)
                .append("; model=").append(model).append("; scheduler=").append(scheduler)
                .append(schedulerParameters).append("; dtype=").append(computeDtype).append("; offload=")
                .append(offload).append("; seed=").append(seed).append("; trueCfg=").append(trueCfgApplied)
                .append("; evaluations=").append(modelEvaluations).append("; devicePeakBytes=")
                .append(devicePeakBytes);
        if (!loras.isEmpty()) {
            s.append("; loras=").append(loras);
        }
        if (rewrite != null) {
            s.append("; rewrite=").append(rewrite.mode()).append(rewrite.fellBack()
                    ? " (fell back to the original: " + rewrite.fallbackReason() + ")"
                    : " '" + rewrite.rewritten() + "'");
        }
        if (stepCache != null) {
            s.append("; cache=").append(stepCache.strategy()).append(" computed=").append(stepCache.computed())
                    .append(" skipped=").append(stepCache.skipped()).append(" blocksSkipped=")
                    .append(stepCache.blocksSkipped());
            if (stepCache.modulesComputed() + stepCache.modulesPredicted() > 0) {
                s.append(" modulesComputed=").append(stepCache.modulesComputed()).append(" modulesPredicted=")
                        .append(stepCache.modulesPredicted());
            }
        }
        s.append("; timings=");
        timings.forEach((k, v) -> s.append(k).append('=').append(v.toMillis()).append("ms "));
        return s.toString().trim();
    }
}
