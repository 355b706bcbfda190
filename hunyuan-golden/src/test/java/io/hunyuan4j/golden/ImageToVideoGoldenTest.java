package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.ops.ComputeDtype;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The image-to-video fixture sets through golden-check, in float32 and within the bf16 bound:
 * tools/golden/make_i2v_fixtures.py (diffusers' transformer with {@code image_condition_type} {@code latent_concat}
 * and {@code token_replace}, and the I2V pipeline on each), make_llava_fixture.py (the LLaVA prompt encoder),
 * make_i2v_text_pipeline.py (the I2V pipeline from prompt text and image, set {@code text}) and
 * make_skyreels_pipeline.py (SkyReels-V1 I2V, set {@code skyreels}).
 */
class ImageToVideoGoldenTest {

    private static List<ComponentResult> run(String set, GoldenOptions options) {
        List<ComponentResult> results = GoldenCheck.discover().run(HeldOutGoldenSetsTest.set("i2v/" + set), options);
        assertTrue(!results.isEmpty(), set);
        for (ComponentResult r : results) {
            assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
            assertTrue(r.maxRelErr() <= r.tolerance(), r.line());
        }
        return results;
    }

    @ParameterizedTest
    @ValueSource(strings = {"latent_concat", "token_replace", "llava", "text", "skyreels"})
    void passesInFloat32(String set) {
        run(set, GoldenOptions.float32());
    }

    @ParameterizedTest
    @ValueSource(strings = {"latent_concat", "token_replace", "llava", "text", "skyreels"})
    void passesInBf16(String set) {
        for (ComponentResult r : run(set, new GoldenOptions(ComputeDtype.BF16))) {
            if (!r.component().equals("pipeline")) {
                assertTrue(r.maxRelErr() > 0, "a bf16 run equal to float32 did not run in bf16: " + r.line());
            }
        }
    }

    /** The pipelines of the text+image and SkyReels sets also stay within the bf16 bound end to end. */
    @ParameterizedTest
    @ValueSource(strings = {"text", "skyreels"})
    void pipelinesWithinTheBf16Bound(String set) {
        for (ComponentResult r : run(set, new GoldenOptions(ComputeDtype.BF16))) {
            assertTrue(r.maxRelErr() <= 3e-2 && r.maxRelErr() > 0, r.line());
        }
    }
}
