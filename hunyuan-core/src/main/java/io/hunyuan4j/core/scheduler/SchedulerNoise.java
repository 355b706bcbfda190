package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.ops.HostRandom;
import java.util.SplittableRandom;

/**
 * Standard-normal draws a stochastic scheduler step (or a pipeline's VAE sampling) consumes in order, like
 * diffusers' {@code randn_tensor(shape, generator)} on a torch generator. One instance per generation: each draw
 * advances it.
 */
@FunctionalInterface
public interface SchedulerNoise {

    /**
     * The next draw.
     *
     * @param shape the tensor shape
     * @param manager where the float32 tensor is created
     * @return {@code randn(shape)}
     */
    NDArray randn(Shape shape, NDManager manager);

    /**
     * Host-side noise from a seed (Box-Muller over {@link SplittableRandom}, rounded to float32): the same on every
     * engine, device and thread count, but not torch's generator stream.
     */
    static SchedulerNoise seeded(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return (shape, manager) -> {
            float[] data = new float[Math.toIntExact(shape.size())];
            HostRandom.fillNormal(random, data);
            return HostArrays.floats(manager, data, shape);
        };
    }

    /** For deterministic schedulers: any draw is a programming error. */
    static SchedulerNoise none() {
        return (shape, manager) -> {
            throw new IllegalStateException("this scheduler step was given no noise source but needs one");
        };
    }
}
