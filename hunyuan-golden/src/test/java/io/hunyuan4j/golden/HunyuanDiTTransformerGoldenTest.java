package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.ops.ComputeDtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HunyuanDiTTransformerGolden} against the public HunyuanDiT transformer fixtures (v1.2 and v1.1): every
 * output and intermediate within 1e-4 in float32 and within 3e-2 in bf16.
 */
class HunyuanDiTTransformerGoldenTest {

    /** The HunyuanDiT fixture root ({@code hunyuan.golden.hunyuandit}, set by the build). */
    static Path fixtures() {
        String p = System.getProperty("hunyuan.golden.hunyuandit");
        if (p == null || p.isBlank()) {
            throw new IllegalStateException("system property hunyuan.golden.hunyuandit is not set; run the tests"
                    + " through Maven from the repository");
        }
        Path dir = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("HunyuanDiT golden fixtures not found at " + dir);
        }
        return dir;
    }

    private static GoldenCheck check() {
        return new GoldenCheck(List.of(new HunyuanDiTTransformerGolden(), new HunyuanDiTTransformerGolden.V11()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hunyuandit_transformer", "hunyuandit_transformer_v11"})
    void float32Parity(String name) {
        ComponentResult r = check().check(fixtures().resolve(name), GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= 1e-4, r.line());
        System.getLogger("HunyuanDiTTransformerGoldenTest").log(System.Logger.Level.INFO, r.line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hunyuandit_transformer", "hunyuandit_transformer_v11"})
    void bf16WithinBound(String name) {
        ComponentResult r = check().check(fixtures().resolve(name), new GoldenOptions(ComputeDtype.BF16));
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() > 0, "a bf16 run equal to float32 did not run in bf16: " + r.line());
        assertTrue(r.maxRelErr() <= GoldenOptions.BF16_TOLERANCE, r.line());
        System.getLogger("HunyuanDiTTransformerGoldenTest").log(System.Logger.Level.INFO, r.line());
    }
}
