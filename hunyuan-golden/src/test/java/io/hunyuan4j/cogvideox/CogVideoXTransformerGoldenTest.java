package io.hunyuan4j.cogvideox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.golden.CogVideoXTransformerGolden;
import io.hunyuan4j.golden.ComponentResult;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenOptions;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * golden {@code cogvideox_transformer}: all four layouts of the public set and the held-out set (batch 2, odd
 * frame counts, other sizes and head dims), every hooked intermediate, float32 within 1e-4.
 */
class CogVideoXTransformerGoldenTest {

    @ParameterizedTest
    @ValueSource(strings = {"public/cogvideox_transformer/2b", "public/cogvideox_transformer/5b",
        "public/cogvideox_transformer/5b_i2v", "public/cogvideox_transformer/v1_5_i2v",
        "heldout/cogvideox_transformer/2b_b2", "heldout/cogvideox_transformer/5b_b2",
        "heldout/cogvideox_transformer/5b_i2v_b2", "heldout/cogvideox_transformer/5b_i2v_frames",
        "heldout/cogvideox_transformer/v1_5_b2"})
    void matchesDiffusersInFloat32(String fixture) {
        GoldenCheck check = new GoldenCheck(List.of(new CogVideoXTransformerGolden()));
        ComponentResult r = check.check(CogVideoXGoldenPaths.fixture(fixture), GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= 1e-4, r.line());
        assertTrue(fixture.endsWith(r.component()), r.component());
        System.getLogger("CogVideoXTransformerGoldenTest").log(System.Logger.Level.INFO, r.line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"public/cogvideox_transformer/2b", "public/cogvideox_transformer/5b",
        "public/cogvideox_transformer/5b_i2v", "public/cogvideox_transformer/v1_5_i2v",
        "heldout/cogvideox_transformer/v1_5_b2"})
    void matchesWithinTheBf16Bound(String fixture) {
        GoldenCheck check = new GoldenCheck(List.of(new CogVideoXTransformerGolden()));
        ComponentResult r = check.check(CogVideoXGoldenPaths.fixture(fixture), new GoldenOptions(ComputeDtype.BF16));
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= GoldenOptions.BF16_TOLERANCE, r.line());
        // bf16 really ran: float32 agrees to ~1e-7
        assertTrue(r.maxRelErr() > 1e-4, "bf16 should differ from float32: " + r.line());
        System.getLogger("CogVideoXTransformerGoldenTest").log(System.Logger.Level.INFO, "bf16 " + r.line());
    }
}
