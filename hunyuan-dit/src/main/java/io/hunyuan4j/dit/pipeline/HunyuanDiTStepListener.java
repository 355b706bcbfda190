package io.hunyuan4j.dit.pipeline;

import ai.djl.ndarray.NDArray;

/**
 * Sees every denoising step of {@link HunyuanDiTPipeline} (diffusers' {@code callback_on_step_end} plus the
 * transformer's raw output). The arrays are valid during the call only; a listener that keeps one duplicates it.
 */
@FunctionalInterface
public interface HunyuanDiTStepListener {

    /** A listener that ignores every step. */
    HunyuanDiTStepListener NONE = (step, timestep, raw, guided, latents) -> { };

    /**
     * One finished step.
     *
     * @param step index, from 0
     * @param timestep the DDPM timestep
     * @param noisePredRaw the transformer output [2B or B, 2C, h, w] (batch [negative; positive] with CFG)
     * @param noisePredGuided the prediction given to the scheduler [B, C, h, w]
     * @param latents the latents after the step [B, C, h, w]
     */
    void onStep(int step, int timestep, NDArray noisePredRaw, NDArray noisePredGuided, NDArray latents);
}
