package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.HostArrays;
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
            for (int i = 0; i < data.length; i += 2) {
                double u1 = 1.0 - random.nextDouble();
                double u2 = random.nextDouble();
                double r = Math.sqrt(-2.0 * Math.log(u1));
                data[i] = (float) (r * Math.cos(2 * Math.PI * u2));
                if (i + 1 < data.length) {
                    data[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
                }
            }
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
