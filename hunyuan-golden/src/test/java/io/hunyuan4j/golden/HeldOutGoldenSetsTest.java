package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.ops.ComputeDtype;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The held-out fixture sets (tools/golden: batch 2 and 3 with uneven padding, non-square latents, tiles that
 * do not divide the latent, other head dims, RoPE axes, shifts and step counts) through golden-check: every
 * component passes in float32, and the models within the bf16 bound.
 */
class HeldOutGoldenSetsTest {

    private static final Set<String> ALL = Set.of("scheduler", "transformer", "vae", "text_llama", "text_clip",
            "pipeline");

    static Path set(String name) {
        try {
            return Path.of(HeldOutGoldenSetsTest.class.getResource("/golden-sets/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertAllPass(List<ComponentResult> results) {
        assertEquals(ALL, results.stream().map(ComponentResult::component).collect(Collectors.toSet()));
        for (ComponentResult r : results) {
            assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
            assertTrue(r.maxRelErr() <= r.tolerance(), r.line());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch2", "tiles", "batch3"})
    void everyComponentPassesInFloat32(String name) {
        assertAllPass(GoldenCheck.discover().run(set(name), GoldenOptions.float32()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch2", "tiles", "batch3"})
    void everyComponentPassesInBf16(String name) {
        List<ComponentResult> results = GoldenCheck.discover().run(set(name), new GoldenOptions(ComputeDtype.BF16));
        assertAllPass(results);
        for (ComponentResult r : results) {
            if (!r.component().equals("scheduler") && !r.component().equals("pipeline")) {
                assertTrue(r.maxRelErr() > 0, "a bf16 run equal to float32 did not run in bf16: " + r.line());
            }
        }
    }
}
