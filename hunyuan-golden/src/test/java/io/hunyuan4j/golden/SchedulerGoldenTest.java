package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.ops.ComputeDtype;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SchedulerGolden} against the {@code scheduler} fixture, in float32 and with bf16 model outputs. */
class SchedulerGoldenTest {

    @Test
    void goldenParity() {
        GoldenCheck check = new GoldenCheck(List.of(new SchedulerGolden()));
        ComponentResult r = check.check(GoldenCheck.fixturesDir().resolve("scheduler"), GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= 1e-6, r.line());
    }

    @Test
    void schedulerGoldenUnderBf16() {
        GoldenCheck check = new GoldenCheck(List.of(new SchedulerGolden()));
        ComponentResult r = check.check(GoldenCheck.fixturesDir().resolve("scheduler"),
                new GoldenOptions(ComputeDtype.BF16));
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() > 0, "bf16 model outputs must leave a rounding trace: " + r.line());
        assertTrue(r.maxRelErr() <= GoldenOptions.BF16_TOLERANCE, r.line());
        System.getLogger("SchedulerGoldenTest").log(System.Logger.Level.INFO, r.line());
    }
}
