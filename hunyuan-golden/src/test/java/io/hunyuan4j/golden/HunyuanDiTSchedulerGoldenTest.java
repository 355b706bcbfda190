package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.scheduler.DDIMScheduler;
import io.hunyuan4j.core.scheduler.DDPMScheduler;
import io.hunyuan4j.core.scheduler.DDPMSchedulerConfig;
import io.hunyuan4j.core.scheduler.DiscreteSchedule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link HunyuanDiTSchedulerGolden} against the {@code hunyuandit_scheduler} fixture (DDPM v-prediction with the
 * recorded noise, DDIM eta 0), plus the schedules of the other spacings and the input checks.
 */
class HunyuanDiTSchedulerGoldenTest {

    @Test
    void goldenParity() {
        GoldenCheck check = new GoldenCheck(List.of(new HunyuanDiTSchedulerGolden()));
        ComponentResult r = check.check(HunyuanDiTTransformerGoldenTest.fixtures().resolve("hunyuandit_scheduler"),
                GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= 1e-5, r.line());
        System.getLogger("HunyuanDiTSchedulerGoldenTest").log(System.Logger.Level.INFO, r.line());
    }

    @Test
    void goldenParityWithBf16ModelOutputs() {
        GoldenCheck check = new GoldenCheck(List.of(new HunyuanDiTSchedulerGolden()));
        ComponentResult r = check.check(HunyuanDiTTransformerGoldenTest.fixtures().resolve("hunyuandit_scheduler"),
                new GoldenOptions(ComputeDtype.BF16));
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() > 0 && r.maxRelErr() <= GoldenOptions.BF16_TOLERANCE, r.line());
    }

    @Test
    void spacings() {
        DDPMSchedulerConfig c = DDPMSchedulerConfig.hunyuanDiT();
        assertArrayEquals(new int[] {801, 601, 401, 201, 1}, new DDPMScheduler(c).schedule(5).timesteps());
        DDPMSchedulerConfig trailing = new DDPMSchedulerConfig(1000, 0.00085f, 0.018f, "scaled_linear",
                "v_prediction", "fixed_small", false, 1f, "trailing", 0, false);
        // np.round(np.arange(1000, 0, -1000 / 3)).astype(int64) - 1
        assertArrayEquals(new int[] {999, 666, 332}, new DDPMScheduler(trailing).schedule(3).timesteps());
        DDPMSchedulerConfig linspace = new DDPMSchedulerConfig(1000, 0.00085f, 0.018f, "scaled_linear",
                "v_prediction", "fixed_small", false, 1f, "linspace", 0, false);
        // np.linspace(0, 999, 4).round()[::-1] = [999, 666, 333, 0]
        assertArrayEquals(new int[] {999, 666, 333, 0}, new DDPMScheduler(linspace).schedule(4).timesteps());
        assertThrows(IllegalArgumentException.class, () -> new DDPMScheduler(c).schedule(1001));
    }

    @Test
    void rejectsWhatIsNotImplemented() {
        ConfigException e = assertThrows(ConfigException.class, () -> DDPMSchedulerConfig.fromJson(
                JsonConfig.parse("test", "{\"variance_type\": \"learned_range\"}")));
        assertTrue(e.getMessage().contains("learned_range"), e.getMessage());
        assertThrows(ConfigException.class, () -> DDPMSchedulerConfig.fromJson(
                JsonConfig.parse("test", "{\"thresholding\": true}")));
    }

    @Test
    void noiseIsRequiredWhereTheStepAddsIt() {
        DDPMScheduler ddpm = new DDPMScheduler(DDPMSchedulerConfig.hunyuanDiT());
        DiscreteSchedule s = ddpm.schedule(2);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(1, 4, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> ddpm.step(s, 0, x, x, null));
            assertThrows(IllegalArgumentException.class, () -> ddpm.step(s, 0, m.ones(new Shape(1, 4, 2, 3)), x,
                    x));
            DDIMScheduler ddim = new DDIMScheduler(DDPMSchedulerConfig.hunyuanDiT());
            assertEquals(new Shape(1, 4, 2, 2), ddim.step(s, 1, x, x, null).prevSample().getShape());
        }
    }
}
