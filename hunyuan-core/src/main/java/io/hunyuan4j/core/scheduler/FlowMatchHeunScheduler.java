package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Second-order Heun sampler for flow matching (the trapezoidal rule on the probability-flow ODE
 * {@code dx/dsigma = v(x, sigma)}): an Euler predictor to {@code sigma_next}, a second velocity there, and the
 * average of both slopes. The step into {@code sigma = 0} is plain Euler, as in diffusers'
 * {@code FlowMatchHeunDiscreteScheduler} (and Karras et al.'s Algorithm 1), so {@code N} steps cost
 * {@code 2N - 1} model evaluations. Same schedule (shifted {@code linspace(1, 0, N + 1)}) as
 * {@link FlowMatchEulerScheduler}; global error is O(h^2) instead of O(h). Stateless.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/schedulers/scheduling_flow_match_heun_discrete.py">diffusers FlowMatchHeunDiscreteScheduler</a>
 */
public final class FlowMatchHeunScheduler implements Scheduler {

    private final FlowMatchEulerScheduler euler;

    /** A scheduler with {@code config}'s shift and training timesteps. */
    public FlowMatchHeunScheduler(SchedulerConfig config) {
        this.euler = new FlowMatchEulerScheduler(config);
    }

    /** With {@code shift} and the reference's other defaults. */
    public static FlowMatchHeunScheduler withShift(float shift, int numTrainTimesteps) {
        return new FlowMatchHeunScheduler(new SchedulerConfig(numTrainTimesteps, shift));
    }

    /** The config. */
    public SchedulerConfig config() {
        return euler.config();
    }

    /** {@inheritDoc} */
    @Override
    public Schedule schedule(int steps) {
        return euler.schedule(steps);
    }

    /** {@inheritDoc} */
    @Override
    public NDArray step(Schedule schedule, int index, Velocity model, NDArray sample) {
        if (index < 0 || index >= schedule.size()) {
            throw new IllegalArgumentException("step index must be in [0, " + schedule.size() + ") but is " + index);
        }
        float sigma = schedule.sigma(index);
        float sigmaNext = schedule.sigma(index + 1);
        float dt = sigmaNext - sigma;
        // fp32: the reference's schedulers step in float32
        NDArray x = sample.toType(DataType.FLOAT32, false);
        NDArray v1 = model.at(x, schedule.timestep(index)).toType(DataType.FLOAT32, false);
        NDArray predictor = x.add(v1.mul(dt));
        if (sigmaNext == 0f) {
            return predictor;
        }
        NDArray v2 = model.at(predictor, sigmaNext * config().numTrainTimesteps()).toType(DataType.FLOAT32, false);
        return x.add(v1.add(v2).mul(dt / 2f));
    }

    /** {@inheritDoc} */
    @Override
    public int evaluationsPerStep() {
        return 2;
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "flow-match-heun";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, String> parameters() {
        return new LinkedHashMap<>(euler.parameters());
    }

    /** {@inheritDoc} */
    @Override
    public Scheduler withFlowShift(float shift) {
        return new FlowMatchHeunScheduler(new SchedulerConfig(config().numTrainTimesteps(), shift));
    }

    @Override
    public String toString() {
        return name() + parameters();
    }
}
