package io.hunyuan4j.core.ops;

import java.util.SplittableRandom;

/**
 * Standard-normal noise drawn on the host, so a seed gives the same values on every engine, device and thread
 * count (not torch's generator stream): the one Box-Muller loop behind every seeded noise source of the SDK.
 */
public final class HostRandom {

    private HostRandom() {}

    /**
     * Fills {@code data} with N(0, 1) draws rounded to float32: Box-Muller over pairs of {@code random}'s doubles
     * (u1 in (0, 1], u2 in [0, 1)), two normals per pair.
     */
    public static void fillNormal(SplittableRandom random, float[] data) {
        for (int i = 0; i < data.length; i += 2) {
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1));
            data[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < data.length) {
                data[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
    }
}
