package io.hunyuan4j.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** {@link F#channelAffine} against a plain Java loop, and its results never touch the weights' manager. */
class ChannelAffineTest {

    @Test
    void matchesXTimesWPlusBPerChannelAndLeavesACappedWeightManagerAlone() {
        long b = 2;
        long c = 3;
        long n = 10;
        try (NDManager weights = NDManager.newBaseManager(); NDManager act = NDManager.newBaseManager()) {
            NDArray w = weights.create(new float[] {1.5f, -2f, 0.25f});
            NDArray bias = weights.create(new float[] {0.1f, 0.2f, -0.3f});
            weights.cap();
            NDArray x = act.randomNormal(new Shape(b, c, 2, 1, n / 2));
            float[] xs = x.toFloatArray();
            float[] got = F.channelAffine(x, w, bias).toFloatArray();
            float[] ws = {1.5f, -2f, 0.25f};
            float[] bs = {0.1f, 0.2f, -0.3f};
            for (int i = 0; i < xs.length; i++) {
                int ch = (int) ((i / n) % c);
                assertEquals(xs[i] * ws[ch] + bs[ch], got[i], 1e-6f, "element " + i);
            }
            float[] noBias = F.channelAffine(x, w, null).toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                assertEquals(xs[i] * ws[(int) ((i / n) % c)], noBias[i], 1e-6f);
            }
            assertEquals(2, weights.getManagedArrays().size());
            assertTrue(act.getManagedArrays().size() > 1);
        }
    }
}
