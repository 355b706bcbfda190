package io.hunyuan4j.core.cache;

/**
 * A step-caching strategy for the denoiser's block stack, set on the pipeline with
 * {@code VideoPipeline.builder(...).cache(...)}. Each implementation is an immutable settings record; its state
 * for one generation lives in a {@link CacheSession}. docs/caching.md.
 */
public sealed interface StepCache permits FirstBlockCache, TaylorSeerCache, MagCache, TeaCache {

    /**
     * Starts the state of one generation.
     *
     * @param numInferenceSteps the denoising steps of the request (the DiT evaluations per context with a
     *     first-order scheduler); strategies that count steps use it unless their settings fix it
     */
    CacheSession session(int numInferenceSteps);
}
