package io.hunyuan4j.core.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The decision rules of the step caches in closed form, and their settings' validation. */
class StepCacheRulesTest {

    /** numpy.poly1d([733.226126, -401.131952, 67.5869174, -3.149878, 0.0961237896]) at a few points. */
    @Test
    void teaCacheRescaleIsTheAuthorsPolynomial() {
        TeaCache tea = TeaCache.hunyuanVideo();
        assertEquals(0.0961237896, tea.rescale(0), 1e-15);
        assertEquals(733.226126 - 401.131952 + 67.5869174 - 3.149878 + 0.0961237896, tea.rescale(1), 1e-9);
        double x = 0.1;
        double want = 733.226126 * 1e-4 - 401.131952 * 1e-3 + 67.5869174 * 1e-2 - 3.149878 * 0.1 + 0.0961237896;
        assertEquals(want, tea.rescale(x), 1e-12);
        assertEquals(0.0620383523875, tea.rescale(0.05), 1e-12); // numpy.poly1d(...)(0.05)
    }

    /**
     * The authors' rule: the first and last step compute and reset; otherwise the rescaled distance accumulates
     * and a step is skipped while the sum stays below the threshold, computing (and resetting) once it does not.
     */
    @Test
    void teaCacheDecisionRule() {
        // a linear "polynomial" rescale(x) = x makes the sums readable
        TeaCache tea = new TeaCache(0.1, List.of(1.0, 0.0), 0);
        int steps = 8;
        double[] rel = {0, 0.04, 0.04, 0.04, 0.2, 0.01, 0.5, 0.01};
        double[] acc = {0};
        boolean[] got = new boolean[steps];
        double[] sums = new double[steps];
        for (int i = 0; i < steps; i++) {
            got[i] = tea.shouldCalc(i, steps, acc, rel[i]);
            sums[i] = acc[0];
        }
        // 0: first; 1: 0.04 skip; 2: 0.08 skip; 3: 0.12 compute, reset; 4: 0.2 compute; 5: 0.01 skip;
        // 6: 0.51 compute; 7: last
        assertArrayEquals(new boolean[] {true, false, false, true, true, false, true, true}, got);
        assertArrayEquals(new double[] {0, 0.04, 0.08, 0, 0, 0.01, 0, 0}, sums, 1e-12);
    }

    @Test
    void teaCacheDefaultsAreTheAuthors() {
        assertEquals(0.1, TeaCache.hunyuanVideo().relL1Threshold());
        assertEquals(5, TeaCache.HUNYUAN_VIDEO_COEFFICIENTS.size());
        assertThrows(IllegalArgumentException.class, () -> new TeaCache(-1, TeaCache.HUNYUAN_VIDEO_COEFFICIENTS, 0));
        assertThrows(IllegalArgumentException.class, () -> new TeaCache(0.1, List.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> TeaCache.hunyuanVideo().session(0));
    }

    /** diffusers' _measure_should_compute with interval 5, 3 warm-up steps: 0-2, then 4, 9, 14, ... */
    @Test
    void taylorSeerSchedule() {
        TaylorSeerCache ts = TaylorSeerCache.defaults();
        boolean[] got = new boolean[15];
        for (int i = 0; i < got.length; i++) {
            got[i] = ts.shouldCompute(i);
        }
        assertArrayEquals(new boolean[] {true, true, true, false, true, false, false, false, false, true, false, false,
            false, false, true}, got);
        TaylorSeerCache cooled = new TaylorSeerCache(5, 3, 6, 1);
        assertTrue(cooled.shouldCompute(6));
        assertTrue(cooled.shouldCompute(7));
        assertFalse(cooled.shouldCompute(5));
        // (0 - 0 - 1) % 1 == 0 in Python: every step computes with interval 1
        assertTrue(new TaylorSeerCache(1, 0, -1, 1).shouldCompute(0));
        assertThrows(IllegalArgumentException.class, () -> new TaylorSeerCache(0, 3, -1, 1));
    }

    /**
     * diffusers' apply_taylorseer_cache matching (re.fullmatch): the default identifiers hook exactly the blocks'
     * attention modules (not the token refiner's, not their submodules); skip-predict patterns win; explicit
     * cache patterns replace the defaults.
     */
    @Test
    void taylorSeerFullModeHooksTheAttentionModules() {
        TaylorSeerCache full = TaylorSeerCache.full();
        assertFalse(full.useLiteMode());
        assertEquals(TaylorSeerCache.Role.CACHE, full.role("transformer_blocks.0.attn"));
        assertEquals(TaylorSeerCache.Role.CACHE, full.role("single_transformer_blocks.39.attn"));
        for (String other : List.of("transformer_blocks.0.attn.to_q", "transformer_blocks.0",
                "context_embedder.token_refiner.refiner_blocks.0.attn", "proj_out", "transformer_blocks.0.ff")) {
            assertEquals(TaylorSeerCache.Role.NONE, full.role(other), other);
        }
        TaylorSeerCache custom = full.withIdentifiers(List.of("^transformer_blocks\\.\\d+\\.attn"),
                List.of("^(single_)?transformer_blocks\\.1\\.attn"));
        assertEquals(TaylorSeerCache.Role.CACHE, custom.role("transformer_blocks.0.attn"));
        assertEquals(TaylorSeerCache.Role.SKIP_PREDICT, custom.role("transformer_blocks.1.attn"));
        assertEquals(TaylorSeerCache.Role.SKIP_PREDICT, custom.role("single_transformer_blocks.1.attn"));
        assertEquals(TaylorSeerCache.Role.NONE, custom.role("single_transformer_blocks.0.attn"));
        // a skip-predict pattern alone keeps the default cache patterns, as diffusers
        TaylorSeerCache skipOnly = full.withIdentifiers(List.of(), List.of("single_transformer_blocks\\.0\\.attn"));
        assertEquals(TaylorSeerCache.Role.CACHE, skipOnly.role("transformer_blocks.3.attn"));
        assertEquals(TaylorSeerCache.Role.SKIP_PREDICT, skipOnly.role("single_transformer_blocks.0.attn"));
    }

    @Test
    void taylorSeerSettingsAreChecked() {
        assertThrows(IllegalArgumentException.class,
                () -> TaylorSeerCache.full().withIdentifiers(List.of("transformer_blocks.(attn"), List.of()));
        // lite mode hooks fixed modules: explicit identifiers are an error, not silently overridden
        assertThrows(IllegalArgumentException.class,
                () -> TaylorSeerCache.defaults().withIdentifiers(List.of(".*attn"), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> TaylorSeerCache.full().withIdentifiers(List.of(".*attn"), List.of()).withLiteMode(true));
        assertTrue(TaylorSeerCache.defaults().useLiteMode());
        assertEquals(io.hunyuan4j.core.ops.ComputeDtype.FLOAT32, TaylorSeerCache.full().taylorFactorsDtype());
    }

    /** diffusers' nearest_interp: round(i * (n - 1) / (target - 1)), half to even. */
    @Test
    void magCacheNearestInterp() {
        List<Float> src = List.of(0f, 1f, 2f, 3f, 4f);
        assertArrayEquals(new float[] {0f, 2f, 4f}, MagCache.nearestInterp(src, 3));
        // scale 4/6: 0, .67, 1.33, 2, 2.67, 3.33, 4 -> 0 1 1 2 3 3 4
        assertArrayEquals(new float[] {0f, 1f, 1f, 2f, 3f, 3f, 4f}, MagCache.nearestInterp(src, 7));
        assertArrayEquals(new float[] {4f}, MagCache.nearestInterp(src, 1));
        // scale 4/8 = 0.5: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, 3.5 -> 4 (half to even, as torch.round)
        assertArrayEquals(new float[] {0f, 0f, 1f, 2f, 2f, 2f, 3f, 4f, 4f}, MagCache.nearestInterp(src, 9));
        assertEquals(50, MagCache.HUNYUAN_VIDEO_720P_RATIOS.size());
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new FirstBlockCache(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new FirstBlockCache(Double.NaN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MagCache(0.06, 3, 0.2, 0, List.of(), false));
        assertTrue(e.getMessage().contains("HUNYUAN_VIDEO_720P_RATIOS"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MagCache(0.06, 3, 1.5, 0, List.of(1f), false));
        assertEquals(0.05, FirstBlockCache.defaults().threshold());
        assertEquals(0.06, MagCache.hunyuanVideo().threshold());
    }
}
