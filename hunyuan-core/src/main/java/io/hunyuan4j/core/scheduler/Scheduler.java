package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * A stateless sampler for flow-matching models. {@link #schedule} computes an immutable {@link Schedule};
 * {@link #step} advances a sample by one step, evaluating the model as often as the method needs (once for
 * Euler, twice for Heun). Nothing is remembered between calls, so one instance serves concurrent generations.
 */
public interface Scheduler {

    /**
     * The schedule the HunyuanVideo pipeline uses for {@code steps} steps: sigmas
     * {@code linspace(1, 0, steps + 1)[:-1]}, shifted, with a terminal 0.
     */
    Schedule schedule(int steps);

    /**
     * Advances {@code sample} from step {@code index} to {@code index + 1}.
     *
     * @param sample latents at {@code schedule.sigma(index)}, float32
     * @return latents at {@code schedule.sigma(index + 1)}, float32, in {@code sample}'s manager
     */
    NDArray step(Schedule schedule, int index, Velocity model, NDArray sample);

    /** Model evaluations per step (for progress estimates and cost accounting). */
    int evaluationsPerStep();

    /** A short name, e.g. {@code flow-match-euler}. */
    String name();

    /** The parameters that define this scheduler, for provenance. */
    Map<String, String> parameters();

    /**
     * The same sampler with another flow {@code shift} (a per-request override).
     *
     * @throws UnsupportedOperationException if this scheduler has no shift parameter
     */
    default Scheduler withFlowShift(float shift) {
        throw new UnsupportedOperationException("scheduler " + name() + " has no flow shift to override");
    }
}
