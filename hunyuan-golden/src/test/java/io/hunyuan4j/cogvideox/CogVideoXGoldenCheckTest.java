package io.hunyuan4j.cogvideox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.golden.ComponentResult;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenOptions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The GoldenCheck harness (what {@code golden-check ../shared/golden-cogvideox} runs) over every CogVideoX fixture. */
class CogVideoXGoldenCheckTest {

    private static final Set<String> COMPONENTS = Set.of("cogvideox_pipeline", "cogvideox_scheduler",
            "cogvideox_transformer", "cogvideox_vae", "text_t5");

    @Test
    void everyCogVideoXComponentPasses() {
        List<ComponentResult> results = GoldenCheck.discover().run(CogVideoXGoldenPaths.root(),
                GoldenOptions.float32());
        for (ComponentResult r : results) {
            assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
            assertTrue(r.maxRelErr() <= r.tolerance(), r.line());
        }
        assertEquals(12, results.size(), GoldenCheck.summary(results));
        assertEquals(COMPONENTS, Set.copyOf(results.stream()
                .map(r -> r.component().replaceFirst("/.*", "")).toList()),
                GoldenCheck.summary(results));
    }
}
