package io.hunyuan4j.core.pipeline;

import ai.djl.ndarray.NDArray;
import java.time.Duration;

/**
 * Progress after one denoising step.
 *
 * @param index the step just finished, 0-based
 * @param total number of steps
 * @param timestep the step's model timestep ({@code sigma * 1000})
 * @param elapsed time since denoising started
 * @param estimatedRemaining linear estimate of the time the remaining steps take
 * @param latents the latents after this step [B, C, T', H', W'], float32; valid only during the callback
 *     (copy with {@link Latents#of} to keep them)
 */
public record StepEvent(int index, int total, float timestep, Duration elapsed, Duration estimatedRemaining,
        NDArray latents) {

    /** Steps finished, {@code index + 1}. */
    public int completed() {
        return index + 1;
    }

    /** Fraction done in [0, 1]. */
    public double fraction() {
        return (double) completed() / total;
    }
}
