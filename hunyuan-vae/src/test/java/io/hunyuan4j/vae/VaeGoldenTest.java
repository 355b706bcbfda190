package io.hunyuan4j.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.golden.ComponentResult;
import io.hunyuan4j.core.golden.GoldenCheck;
import io.hunyuan4j.core.golden.GoldenOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Parity with diffusers on ../shared/golden/vae: every output within 1e-4 max relative error. */
class VaeGoldenTest {

    @Test
    void everyOutputWithinTolerance() {
        Path folder = GoldenCheck.fixturesDir().resolve("vae");
        ComponentResult r = GoldenCheck.discover().check(folder, GoldenOptions.float32());
        System.out.println(r.line());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= 1e-4, r.line());
    }

    @Test
    void derivedTilingReproducesThePublicFixtureArguments() {
        VaeTiling t = VaeGolden.fixtureTiling(JsonConfig.parse("test", "{}"), "", VaeConfig.tiny(),
                new Shape(1, 4, 6, 6, 6));
        assertEquals(new VaeTiling(true, true, true, 24, 24, 12, 16, 16, 8), t);
    }

    @Test
    void tilingEntryInTheConfigWins() {
        JsonConfig j = JsonConfig.parse("test", "{\"tiling\": {\"tile_sample_min_height\": 32,"
                + " \"tile_sample_stride_height\": 24}}");
        VaeTiling t = VaeGolden.fixtureTiling(j, "tiling = {\"tile_sample_min_height\": 64}", VaeConfig.tiny(), new Shape(1, 4, 6, 6, 6));
        assertEquals(32, t.tileSampleMinHeight());
        assertEquals(24, t.tileSampleStrideHeight());
        assertEquals(VaeTiling.DEFAULT_TILE_SIZE, t.tileSampleMinWidth());
        assertTrue(t.useTiling());
    }
}
