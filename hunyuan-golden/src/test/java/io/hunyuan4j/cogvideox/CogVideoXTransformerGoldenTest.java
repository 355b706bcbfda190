package io.hunyuan4j.cogvideox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.golden.CogVideoXTransformerGolden;
import io.hunyuan4j.golden.ComponentResult;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenOptions;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** golden {@code cogvideox_transformer}: all four layouts, every hooked intermediate, float32 within 1e-4. */
class CogVideoXTransformerGoldenTest {

    @ParameterizedTest
    @ValueSource(strings = {"2b", "5b", "5b_i2v", "v1_5_i2v"})
    void matchesDiffusersInFloat32(String layout) {
        GoldenCheck check = new GoldenCheck(List.of(new CogVideoXTransformerGolden()));
        ComponentResult r = check.check(CogVideoXGoldenPaths.root().resolve("cogvideox_transformer").resolve(layout),
                GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= 1e-4, r.line());
        assertEquals("cogvideox_transformer/" + layout, r.component());
    }
}
