package io.hunyuan4j.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class FlowMatchHeunSchedulerTest {

    /** Runs a whole schedule from x(1) = x1 and returns x(0). */
    private static float integrate(Scheduler s, int steps, Velocity v, NDManager m, float x1) {
        Schedule schedule = s.schedule(steps);
        NDArray x = m.full(new Shape(1, 2), x1);
        for (int i = 0; i < steps; i++) {
            x = s.step(schedule, i, v, x);
        }
        return x.getFloat(0, 0);
    }

    @Test
    void exactOnTheStraightPathOfAPointTarget() {
        // v(x, sigma) = (x - d) / sigma: x(sigma) = d + sigma * (x1 - d), a straight line
        float d = 0.3f;
        try (NDManager m = NDManager.newBaseManager()) {
            Velocity v = (x, t) -> x.sub(d).div(t / 1000f);
            for (Scheduler s : new Scheduler[] {FlowMatchHeunScheduler.withShift(7f, 1000),
                FlowMatchEulerScheduler.withShift(7f)}) {
                for (int n : new int[] {1, 2, 5}) {
                    assertEquals(d, integrate(s, n, v, m, 1.7f), 1e-6f, s + " steps " + n);
                }
            }
        }
    }

    @Test
    void convergesAtSecondOrderWhereEulerIsFirstOrder() {
        // v = a * x: x(sigma) = x1 * exp(a * (sigma - 1)), so x(0) = x1 * exp(-a)
        float a = 1.5f;
        double exact = Math.exp(-a);
        try (NDManager m = NDManager.newBaseManager()) {
            Velocity v = (x, t) -> x.mul(a);
            // shift 1: uniform sigma steps, so halving h is doubling N
            Scheduler heun = FlowMatchHeunScheduler.withShift(1f, 1000);
            Scheduler euler = FlowMatchEulerScheduler.withShift(1f);
            double[] eh = new double[3];
            double[] ee = new double[3];
            int[] ns = {8, 16, 32};
            for (int i = 0; i < 3; i++) {
                eh[i] = Math.abs(integrate(heun, ns[i], v, m, 1f) - exact);
                ee[i] = Math.abs(integrate(euler, ns[i], v, m, 1f) - exact);
            }
            for (int i = 0; i < 2; i++) {
                double heunOrder = Math.log(eh[i] / eh[i + 1]) / Math.log(2);
                double eulerOrder = Math.log(ee[i] / ee[i + 1]) / Math.log(2);
                assertEquals(2.0, heunOrder, 0.25, "Heun order between N=" + ns[i] + " and " + ns[i + 1]);
                assertEquals(1.0, eulerOrder, 0.15, "Euler order between N=" + ns[i] + " and " + ns[i + 1]);
                assertTrue(eh[i + 1] < eh[i] && ee[i + 1] < ee[i]);
            }
            assertTrue(eh[2] < ee[2] / 10, "Heun is far closer than Euler at equal steps");
        }
    }

    @Test
    void shiftOverrideAndProvenance() {
        Scheduler s = FlowMatchHeunScheduler.withShift(7f, 1000).withFlowShift(3f);
        assertEquals("3.0", s.parameters().get("shift"));
        assertEquals("flow-match-heun", s.name());
        assertEquals(FlowMatchEulerScheduler.withShift(3f).schedule(5), s.schedule(5));
    }
}
