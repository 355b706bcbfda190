package io.hunyuan4j.core.scheduler;

import java.util.Arrays;

/**
 * The per-generation state of a discrete-timestep scheduler ({@link DDPMScheduler}, {@link DDIMScheduler}): the
 * integer timesteps of {@code set_timesteps(num_inference_steps)}, immutable. The schedulers keep nothing else between
 * steps, so one scheduler serves concurrent generations.
 *
 * @param timesteps descending integer timesteps, one per step
 */
public record DiscreteSchedule(int[] timesteps) {

    /** Copies the timesteps and checks there is at least one. */
    public DiscreteSchedule {
        if (timesteps.length == 0) {
            throw new IllegalArgumentException("a schedule needs at least one timestep");
        }
        timesteps = timesteps.clone();
    }

    /** Number of steps. */
    public int size() {
        return timesteps.length;
    }

    /** Timestep of step {@code i}. */
    public int timestep(int i) {
        return timesteps[i];
    }

    /** The timesteps, copied. */
    @Override
    public int[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiscreteSchedule d && Arrays.equals(timesteps, d.timesteps);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(timesteps);
    }

    @Override
    public String toString() {
        return "DiscreteSchedule" + Arrays.toString(timesteps);
    }
}
