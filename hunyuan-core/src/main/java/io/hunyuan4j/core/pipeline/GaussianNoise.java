package io.hunyuan4j.core.pipeline;

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
        for (int i = 0; i < data.length; i += 2) {
            // Box-Muller: two uniforms in (0, 1] and [0, 1) give two independent normals
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1));
            data[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < data.length) {
                data[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        return new Latents(data, shape);
    }
}
