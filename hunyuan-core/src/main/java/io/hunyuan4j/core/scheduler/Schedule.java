package io.hunyuan4j.core.scheduler;

import java.util.Arrays;

/**
 * An immutable sampling schedule: N timesteps and N+1 sigmas (the last is the terminal sigma).
 *
 * @param timesteps model timesteps, {@code sigma * num_train_timesteps}, float (not rounded)
 * @param sigmas noise levels, one more than the timesteps
 */
public record Schedule(float[] timesteps, float[] sigmas) {

    /** Checks that there is one more sigma than timesteps, and copies both. */
    public Schedule {
        if (sigmas.length != timesteps.length + 1) {
            throw new IllegalArgumentException("sigmas must have timesteps.length + 1 = " + (timesteps.length + 1)
                    + " entries but has " + sigmas.length);
        }
        timesteps = timesteps.clone();
        sigmas = sigmas.clone();
    }

    /** Number of denoising steps. */
    public int size() {
        return timesteps.length;
    }

    /** Timestep of step {@code i}. */
    public float timestep(int i) {
        return timesteps[i];
    }

    /** Sigma at step {@code i} (i = size() is the terminal sigma). */
    public float sigma(int i) {
        return sigmas[i];
    }

    /** {@return a copy of the timesteps} */
    @Override
    public float[] timesteps() {
        return timesteps.clone();
    }

    /** {@return a copy of the sigmas} */
    @Override
    public float[] sigmas() {
        return sigmas.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule s && Arrays.equals(timesteps, s.timesteps) && Arrays.equals(sigmas, s.sigmas);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(timesteps) + Arrays.hashCode(sigmas);
    }

    @Override
    public String toString() {
        return "Schedule[timesteps=" + Arrays.toString(timesteps) + ", sigmas=" + Arrays.toString(sigmas) + "]";
    }
}
