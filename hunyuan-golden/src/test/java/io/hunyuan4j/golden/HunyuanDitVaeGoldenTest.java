package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.ops.ComputeDtype;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity of HunyuanDiT's 2D {@code AutoencoderKL} with diffusers on ../shared/golden-hunyuandit/hunyuandit_vae
 * and on the held-out set {@code golden-sets/dit-vae-kl/hunyuandit_vae} (tools/golden/spec_hunyuandit_vae_kl.py:
 * batch 2, non-square, 2 layers per block, 6 latent channels, 64 px tiles whose strides do not divide the big
 * inputs): every output (encode, decode, forward, full and tiled big decode and encode) within 1e-4 in float32
 * and within the bf16 bound under {@link ComputeDtype#BF16}.
 */
class HunyuanDitVaeGoldenTest {

    static Path folder(String set) {
        if (set.equals("public")) {
            String root = System.getProperty("hunyuan.golden.hunyuandit");
            if (root == null || root.isBlank()) {
                throw new IllegalStateException("system property hunyuan.golden.hunyuandit is not set; run the"
                        + " tests through Maven from the repository");
            }
            return Path.of(root).resolve("hunyuandit_vae");
        }
        return Path.of(System.getProperty("hunyuan.root"), "hunyuan-golden", "src", "test", "resources",
                "golden-sets", set, "hunyuandit_vae");
    }

    private static final List<String> OUTPUTS = List.of("encode.moments", "encode.mean", "encode.logvar",
            "encode.std", "decode.sample", "forward.sample", "big.decode_full", "big.decode_tiled",
            "big.encode_full", "big.encode_tiled");

    @ParameterizedTest
    @ValueSource(strings = {"public", "dit-vae-kl"})
    void everyOutputWithinTolerance(String set) {
        try (GoldenFixture fx = GoldenFixture.open(folder(set))) {
            assertTrue(fx.outputs().names().containsAll(OUTPUTS), set + ": " + fx.outputs().names());
        }
        ComponentResult r = new GoldenCheck(List.of(new HunyuanDitVaeGolden())).check(folder(set),
                GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), set + ": " + r.line());
        assertTrue(r.maxRelErr() <= 1e-4, set + ": " + r.line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"public", "dit-vae-kl"})
    void bf16WithinTheBf16Bound(String set) {
        ComponentResult r = new GoldenCheck(List.of(new HunyuanDitVaeGolden())).check(folder(set),
                new GoldenOptions(ComputeDtype.BF16));
        assertEquals(ComponentResult.Status.PASS, r.status(), set + ": " + r.line());
        assertTrue(r.maxRelErr() <= GoldenOptions.BF16_TOLERANCE, set + ": " + r.line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"public"})
    void discoveredThroughTheServicesFile(String set) {
        assertTrue(GoldenCheck.discover().implemented().contains("hunyuandit_vae"));
    }
}
