package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link GoldenCheck} on fixture sets whose components hold several cases ({@code <component>/<case>/}), and its
 * comparison of diagnostics that hold infinities and NaN where the reference does.
 */
class GoldenCheckCaseFoldersTest {

    private static Path cogvideox() {
        return Path.of(System.getProperty("hunyuan.golden.cogvideox")).toAbsolutePath().normalize();
    }

    @Test
    void caseFoldersAreCheckedByTheirParentsComponent() {
        GoldenCheck check = new GoldenCheck(List.of(new CogVideoXSchedulerGolden()));
        List<ComponentResult> results = check.run(cogvideox().resolve("cogvideox_scheduler"), GoldenOptions.float32());
        assertEquals(List.of("cogvideox_scheduler/ddim", "cogvideox_scheduler/dpm"),
                results.stream().map(ComponentResult::component).toList());
        results.forEach(r -> assertEquals(ComponentResult.Status.PASS, r.status(), r.line()));
        // a whole set: components without an implementation are skipped, case by case
        List<ComponentResult> all = check.run(cogvideox(), GoldenOptions.float32());
        assertTrue(all.stream().anyMatch(r -> r.component().equals("cogvideox_scheduler/dpm")
                && r.status() == ComponentResult.Status.PASS), all.toString());
    }

    @Test
    void nonFiniteReferenceValuesMustMatchExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            var ref = m.create(new double[] {2, Double.POSITIVE_INFINITY, Double.NaN, -4});
            assertEquals(0.0, GoldenCheck.maxRelErr(m.create(new double[] {2, Double.POSITIVE_INFINITY, Double.NaN,
                -4}), ref));
            assertEquals(0.25, GoldenCheck.maxRelErr(m.create(new double[] {2, Double.POSITIVE_INFINITY, Double.NaN,
                -3}), ref), 1e-7);
            assertTrue(Double.isNaN(GoldenCheck.maxRelErr(m.create(new double[] {2, Double.NEGATIVE_INFINITY,
                Double.NaN, -4}), ref)));
            assertTrue(Double.isNaN(GoldenCheck.maxRelErr(m.create(new double[] {2, Double.POSITIVE_INFINITY, 0,
                -4}), ref)));
            assertTrue(Double.isNaN(GoldenCheck.maxRelErr(m.create(new double[] {Double.NaN, 1, 1, 1}),
                    m.create(new double[] {1, 1, 1, 1}))));
        }
    }
}
