package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * A stateless sampler over the integer timesteps of a DDPM-trained model (epsilon, sample or v prediction), as
 * opposed to the flow-matching {@link Scheduler}. {@link #schedule} is diffusers' {@code set_timesteps};
 * {@link #step} is {@code step()} with the variance noise given by the caller (the reference draws it from the
 * pipeline's generator), so nothing random or mutable lives in the scheduler.
 */
public interface DiscreteTimestepScheduler {

    /** {@code set_timesteps(steps)}. */
    DiscreteSchedule schedule(int steps);

    /**
     * Whether {@link #step} at {@code index} adds noise, so the caller must pass {@code varianceNoise} (shaped like
     * the sample).
     */
    boolean needsNoise(DiscreteSchedule schedule, int index);

    /**
     * One reverse step from {@code schedule.timestep(index)}.
     *
     * @param modelOutput the (guided) model prediction, shaped like {@code sample}
     * @param sample the current sample, float32
     * @param varianceNoise standard normal noise shaped like {@code sample} when {@link #needsNoise}, else null
     * @return the previous sample and x0, float32, in {@code sample}'s manager
     * @throws IllegalArgumentException for a missing noise, or shapes that differ
     */
    DiscreteStepOutput step(DiscreteSchedule schedule, int index, NDArray modelOutput, NDArray sample,
            @Nullable NDArray varianceNoise);

    /** {@code init_noise_sigma}: the initial latents are multiplied by it (1.0 for DDPM and DDIM). */
    default float initNoiseSigma() {
        return 1.0f;
    }

    /** {@code alphas_cumprod}, copied. */
    float[] alphasCumprod();

    /** A short name, e.g. {@code ddpm}. */
    String name();
}
