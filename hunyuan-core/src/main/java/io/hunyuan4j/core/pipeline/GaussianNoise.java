package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.ops.HostRandom;
import java.util.SplittableRandom;

/**
 * Standard-normal noise from a seed, generated on the host so the same seed gives bit-identical latents on
 * every engine, device and thread count (the engine's global RNG is never used). Box-Muller over
 * {@link SplittableRandom} doubles, rounded to float32.
 */
final class GaussianNoise {

    private GaussianNoise() {}

    /** {@code randn(shape)} from {@code seed}. */
    static Latents sample(long seed, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] data = new float[Math.toIntExact(n)];
        SplittableRandom random = new SplittableRandom(seed);
        HostRandom.fillNormal(random, data);
        return new Latents(data, shape);
    }
}
