package io.hunyuan4j.cogvideox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.scheduler.CogVideoXBetaSchedule;
import io.hunyuan4j.core.scheduler.CogVideoXSchedulerConfig;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.golden.CogVideoXSchedulerGolden;
import io.hunyuan4j.golden.ComponentResult;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import io.hunyuan4j.golden.GoldenOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * golden {@code cogvideox_scheduler}: DDIM and DPM steps (float32, bit-for-bit expected) and the float64
 * diagnostics to 1e-12 relative, with +-inf and NaN exactly where diffusers has them.
 */
class CogVideoXSchedulerGoldenTest {

    private static Path fixture(String name) {
        return CogVideoXGoldenPaths.fixture(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"public/cogvideox_scheduler/ddim", "public/cogvideox_scheduler/dpm",
        "heldout/cogvideox_scheduler/ddim_n1", "heldout/cogvideox_scheduler/ddim_n6",
        "heldout/cogvideox_scheduler/dpm_n3", "heldout/cogvideox_scheduler/dpm_n9"})
    void stepsMatchDiffusers(String name) {
        GoldenCheck check = new GoldenCheck(List.of(new CogVideoXSchedulerGolden()));
        ComponentResult r = check.check(fixture(name), GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= 1e-6, r.line());
        System.getLogger("CogVideoXSchedulerGoldenTest").log(System.Logger.Level.INFO, r.line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"public/cogvideox_scheduler/ddim", "public/cogvideox_scheduler/dpm",
        "heldout/cogvideox_scheduler/ddim_n1", "heldout/cogvideox_scheduler/ddim_n6",
        "heldout/cogvideox_scheduler/dpm_n3", "heldout/cogvideox_scheduler/dpm_n9"})
    void float64DiagnosticsMatchTo1e12(String name) {
        try (GoldenFixture fx = GoldenFixture.open(fixture(name)); NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> got = new CogVideoXSchedulerGolden().run(fx, m, GoldenOptions.float32());
            int compared = 0;
            for (String out : fx.outputs().names()) {
                var info = fx.outputs().info(out);
                if (info.dtype() == DType.F64) {
                    double[] ref = fx.outputs().load(out, m, DataType.FLOAT64).toDoubleArray();
                    double[] g = got.get(out).toType(DataType.FLOAT64, false).toDoubleArray();
                    assertEquals(ref.length, g.length, out);
                    for (int i = 0; i < ref.length; i++) {
                        if (Double.isNaN(ref[i]) || Double.isInfinite(ref[i])) {
                            assertEquals(ref[i], g[i], out + "[" + i + "]");
                        } else {
                            double tol = 1e-12 * Math.max(Math.abs(ref[i]), 1e-300);
                            assertEquals(ref[i], g[i], tol, out + "[" + i + "]");
                        }
                    }
                    compared++;
                } else if (!info.dtype().isFloating()) {
                    assertArrayEquals(fx.outputs().load(out, m, DataType.INT64).toLongArray(),
                            got.get(out).toType(DataType.INT64, false).toLongArray(), out);
                }
            }
            assertTrue(compared >= 4, "float64 outputs compared: " + compared);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 6, 7, 13, 50, 999, 1000})
    void trailingTimestepsStartAt999AndDescend(int n) {
        CogVideoXBetaSchedule b = new CogVideoXBetaSchedule(CogVideoXSchedulerConfig.cogVideoX(1.0));
        long[] t = b.timesteps(n);
        assertEquals(n, t.length);
        assertEquals(999, t[0]);
        for (int i = 1; i < n; i++) {
            assertTrue(t[i] < t[i - 1]);
        }
        assertEquals(0.0, b.alphasCumprod()[999]); // zero terminal SNR, exactly
        assertTrue(t[n - 1] >= 0);
        assertEquals("trailing", CogVideoXSchedulerConfig.fromJson(JsonConfig.parse("t",
                "{\"timestep_spacing\": \"trailing\"}")).timestepSpacing());
    }
}
