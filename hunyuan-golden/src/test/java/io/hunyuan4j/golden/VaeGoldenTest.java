package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.vae.VaeConfig;
import io.hunyuan4j.vae.VaeTiling;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity with diffusers on ../shared/golden/vae and on the held-out sets under hunyuan-examples' test resources
 * ({@code golden-sets/<set>/vae}: other configs, batch 2, tiles larger than the latent, strides that divide
 * nothing, tiled and frame-wise encodes of {@code big_video}): every output within 1e-4 max relative error, with
 * the tiling each fixture's README states.
 */
class VaeGoldenTest {

    private static Path goldenSet(String name) {
        return Path.of(System.getProperty("hunyuan.root"), "hunyuan-golden", "src", "test", "resources",
                "golden-sets", name, "vae");
    }

    private static Path folder(String set) {
        return set.equals("public") ? GoldenCheck.fixturesDir().resolve("vae") : goldenSet(set);
    }

    @ParameterizedTest
    @ValueSource(strings = {"public", "batch2", "tiles", "batch3"})
    void everyOutputWithinTolerance(String set) {
        ComponentResult r = new GoldenCheck(List.of(new VaeGolden())).check(folder(set),
                GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), set + ": " + r.line());
        assertTrue(r.maxRelErr() <= 1e-4, set + ": " + r.line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch2", "tiles", "batch3"})
    void heldOutSetsCheckTiledEncodes(String set) {
        try (GoldenFixture fx = GoldenFixture.open(folder(set))) {
            assertTrue(fx.inputs().names().contains("big_video"), set);
            assertTrue(fx.outputs().names().containsAll(List.of("big.encode_full", "big.encode_default",
                    "big.encode_tiled", "big.decode_tiled")), set);
        }
    }

    @Test
    void theReadmeStatesEachSetsTiling() {
        try (GoldenFixture fx = GoldenFixture.open(folder("tiles"))) {
            VaeTiling t = VaeGolden.fixtureTiling(fx.config(), fx.readme(), VaeConfig.fromJson(fx.config()),
                    new Shape(1, 5, 7, 3, 5));
            assertEquals(new VaeTiling(true, true, true, 64, 64, 8, 48, 48, 4), t);
        }
        try (GoldenFixture fx = GoldenFixture.open(folder("public"))) {
            VaeTiling t = VaeGolden.fixtureTiling(fx.config(), fx.readme(), VaeConfig.fromJson(fx.config()),
                    new Shape(1, 4, 6, 6, 6));
            assertEquals(new VaeTiling(true, true, true, 24, 24, 12, 16, 16, 8), t);
        }
    }

    @Test
    void readmeTilingIsTheJsonAfterTheAssignment() {
        String readme = "after `vae.enable_tiling(**tiling)` with\n  `tiling = {\"tile_sample_min_height\": 32,"
                + " \"tile_sample_stride_height\": 24}`\n i.e. latent tiles; use_tiling = {\"not\": 1}";
        assertEquals("{\"tile_sample_min_height\": 32, \"tile_sample_stride_height\": 24}",
                VaeGolden.readmeTiling(readme));
        assertNull(VaeGolden.readmeTiling("`enable_tiling(**tiling)`, use_tiling = False"));
        // enable_tiling's `value or default`: 0 and null keep the default
        VaeTiling t = VaeTiling.fromJson(JsonConfig.parse("test", "{\"tile_sample_min_width\": 0,"
                + " \"tile_sample_stride_width\": null,"
                + " \"tile_sample_min_height\": 32, \"tile_sample_stride_height\": 24}"));
        assertEquals(new VaeTiling(true, true, true, 32, 256, 16, 24, 192, 12), t);
    }

    @Test
    void derivedTilingReproducesThePublicFixtureArguments() {
        VaeTiling t = VaeGolden.fixtureTiling(JsonConfig.parse("test", "{}"), "", VaeConfig.tiny(),
                new Shape(1, 4, 6, 6, 6));
        assertEquals(new VaeTiling(true, true, true, 24, 24, 12, 16, 16, 8), t);
    }

    @Test
    void tilingEntryInTheConfigWinsOverTheReadme() {
        JsonConfig j = JsonConfig.parse("test", "{\"tiling\": {\"tile_sample_min_height\": 32,"
                + " \"tile_sample_stride_height\": 24}}");
        VaeTiling t = VaeGolden.fixtureTiling(j, "tiling = {\"tile_sample_min_height\": 64}", VaeConfig.tiny(),
                new Shape(1, 4, 6, 6, 6));
        assertEquals(32, t.tileSampleMinHeight());
        assertEquals(24, t.tileSampleStrideHeight());
        assertEquals(VaeTiling.DEFAULT_TILE_SIZE, t.tileSampleMinWidth());
        assertTrue(t.useTiling());
    }
}
