package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.config.JsonConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flow-matching Euler: {@code x_next = x + (sigma_next - sigma) * v}, with the static time shift
 * {@code s*x / (1 + (s-1)*x)}. Numerically identical to diffusers' {@code FlowMatchEulerDiscreteScheduler}
 * without dynamic shifting (float32 and float64 exactly where the reference uses them).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/schedulers/scheduling_flow_match_euler_discrete.py">diffusers FlowMatchEulerDiscreteScheduler</a>
 */
public final class FlowMatchEulerScheduler implements Scheduler {

    private final SchedulerConfig config;

    /** A scheduler with {@code config}'s shift and training timesteps. */
    public FlowMatchEulerScheduler(SchedulerConfig config) {
        this.config = config;
    }

    /** With {@code shift} and the reference's other defaults (1000 training timesteps). */
    public static FlowMatchEulerScheduler withShift(float shift) {
        return new FlowMatchEulerScheduler(SchedulerConfig.withShift(shift));
    }

    /** Reads {@code scheduler/scheduler_config.json}. */
    public static FlowMatchEulerScheduler fromJson(Path file) {
        return new FlowMatchEulerScheduler(SchedulerConfig.fromJson(JsonConfig.read(file)));
    }

    /** The config. */
    public SchedulerConfig config() {
        return config;
    }

    /** {@inheritDoc} */
    @Override
    public Schedule schedule(int steps) {
        requireSteps(steps);
        // pipeline_hunyuan_video.py: sigmas = np.linspace(1.0, 0.0, num_inference_steps + 1)[:-1]
        double[] lin = linspace(1.0, 0.0, steps + 1);
        float[] sigmas = new float[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = (float) lin[i];
        }
        return scheduleFromSigmas(sigmas);
    }

    /**
     * {@code set_timesteps(sigmas=...)}: custom sigmas, cast to float32 and shifted in float32.
     */
    public Schedule scheduleFromSigmas(float[] sigmas) {
        float shift = config.shift();
        int n = sigmas.length;
        float[] shifted = new float[n + 1];
        float[] timesteps = new float[n];
        for (int i = 0; i < n; i++) {
            float s = sigmas[i];
            // numpy float32 array arithmetic with a python float scalar stays float32
            shifted[i] = shift * s / (1f + (shift - 1f) * s);
            timesteps[i] = shifted[i] * config.numTrainTimesteps();
        }
        shifted[n] = 0f;
        return new Schedule(timesteps, shifted);
    }

    /**
     * {@code set_timesteps(num_inference_steps)} with no custom sigmas: timesteps linearly spaced (float64)
     * between the (already shifted) training sigma range, then shifted again, as the reference does.
     */
    public Schedule defaultSchedule(int steps) {
        requireSteps(steps);
        int t = config.numTrainTimesteps();
        float shift = config.shift();
        // __init__: float32 linspace(1, T, T) reversed / T, shifted in float32
        float sigmaMax = shiftF32(1f * t / t, shift);
        float sigmaMin = shiftF32(1f / t, shift);
        double[] ts = linspace((double) sigmaMax * t, (double) sigmaMin * t, steps);
        float[] sigmas = new float[steps + 1];
        float[] timesteps = new float[steps];
        for (int i = 0; i < steps; i++) {
            double s = ts[i] / t;
            s = shift * s / (1 + (shift - 1.0) * s);
            sigmas[i] = (float) s;
            timesteps[i] = sigmas[i] * t;
        }
        sigmas[steps] = 0f;
        return new Schedule(timesteps, sigmas);
    }

    private static float shiftF32(float s, float shift) {
        return shift * s / (1f + (shift - 1f) * s);
    }

    /** {@inheritDoc} */
    @Override
    public NDArray step(Schedule schedule, int index, Velocity model, NDArray sample) {
        NDArray v = model.at(sample, schedule.timestep(index));
        return step(schedule, index, v, sample);
    }

    /**
     * One Euler step given the model output, exactly diffusers' {@code step()}.
     *
     * @param modelOutput velocity at {@code schedule.sigma(index)}
     * @param sample current latents
     */
    public NDArray step(Schedule schedule, int index, NDArray modelOutput, NDArray sample) {
        if (index < 0 || index >= schedule.size()) {
            throw new IllegalArgumentException("step index must be in [0, " + schedule.size() + ") but is " + index);
        }
        // fp32: diffusers scheduling_flow_match_euler_discrete.py step() upcasts the sample here
        float dt = schedule.sigma(index + 1) - schedule.sigma(index);
        NDArray x = sample.toType(DataType.FLOAT32, false);
        NDArray v = modelOutput.toType(DataType.FLOAT32, false);
        return x.add(v.mul(dt));
    }

    /** {@inheritDoc} */
    @Override
    public int evaluationsPerStep() {
        return 1;
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "flow-match-euler";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("shift", Float.toString(config.shift()));
        p.put("num_train_timesteps", Integer.toString(config.numTrainTimesteps()));
        return p;
    }

    static void requireSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1 but is " + steps);
        }
    }

    /** numpy.linspace(start, stop, num) in float64, endpoint included, last value exactly {@code stop}. */
    static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        if (num == 1) {
            y[0] = start;
            return y;
        }
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }

    /** {@inheritDoc} */
    @Override
    public Scheduler withFlowShift(float shift) {
        return new FlowMatchEulerScheduler(new SchedulerConfig(config.numTrainTimesteps(), shift));
    }

    @Override
    public String toString() {
        return name() + parameters();
    }
}
