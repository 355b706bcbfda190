package io.hunyuan4j.dit.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.ops.HostRandom;
import java.util.SplittableRandom;

/**
 * Standard-normal noise for the pipeline: the initial latents (draw -1) and the DDPM variance noise of each step
 * (draw = step index). The reference draws both from one torch generator; a port feeds recorded draws through its
 * own implementation to reproduce a diffusers run.
 */
@FunctionalInterface
public interface NoiseSource {

    /**
     * {@code randn(shape)} for a draw.
     *
     * @param draw -1 for the initial latents, else the step index
     */
    NDArray sample(int draw, Shape shape, NDManager manager);

    /**
     * Host noise from a seed, bit-identical on every engine and thread count: Box-Muller over
     * {@link SplittableRandom} doubles, rounded to float32, one independent stream per draw.
     */
    static NoiseSource seeded(long seed) {
        return (draw, shape, manager) -> {
            float[] data = new float[Math.toIntExact(shape.size())];
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + draw);
            HostRandom.fillNormal(random, data);
            return HostArrays.floats(manager, data, shape);
        };
    }
}
