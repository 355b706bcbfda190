package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.ops.ComputeDtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The T5 / mT5 / BERT text encoders of CogVideoX and HunyuanDiT against the public fixtures
 * ({@code hunyuan.golden.cogvideox}/text_t5, {@code hunyuan.golden.hunyuandit}/text_bert and text_mt5) and the
 * held-out sets made with the generators' {@code --spec} (golden-sets/text_t5_heldout, golden-sets/text_dit_heldout:
 * batch 3, uneven padding, inner width different from d_model, other bucket counts and distances), in float32
 * and bf16.
 */
class T5BertGoldenTest {

    static Path fixture(String spec) {
        int colon = spec.indexOf(':');
        String where = spec.substring(0, colon);
        String component = spec.substring(colon + 1);
        Path root = switch (where) {
            case "cogvideox", "hunyuandit" -> {
                String p = System.getProperty("hunyuan.golden." + where);
                if (p == null) {
                    throw new IllegalStateException("system property hunyuan.golden." + where + " is not set");
                }
                yield Path.of(p);
            }
            default -> HeldOutGoldenSetsTest.set(where);
        };
        Path dir = root.resolve(component);
        assertTrue(Files.isDirectory(dir), "fixture folder missing: " + dir);
        return dir;
    }

    private static ComponentResult check(String spec, GoldenOptions options) {
        return GoldenCheck.discover().check(fixture(spec), options);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cogvideox:text_t5", "hunyuandit:text_bert", "hunyuandit:text_mt5",
        "text_t5_heldout:text_t5", "text_dit_heldout:text_bert", "text_dit_heldout:text_mt5"})
    void matchesInFloat32(String spec) {
        ComponentResult r = check(spec, GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= 1e-4, r.line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cogvideox:text_t5", "hunyuandit:text_bert", "hunyuandit:text_mt5",
        "text_t5_heldout:text_t5", "text_dit_heldout:text_bert", "text_dit_heldout:text_mt5"})
    void matchesInBf16(String spec) {
        ComponentResult r = check(spec, new GoldenOptions(ComputeDtype.BF16));
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= GoldenOptions.BF16_TOLERANCE, r.line());
        if (spec.endsWith("text_bert")) {
            assertTrue(r.maxRelErr() > 1e-4, "bf16 should differ from float32: " + r.line());
        } else {
            // the T5 family stays float32 under bf16 (T5Precision.FLOAT32)
            assertTrue(r.maxRelErr() <= 1e-4, r.line());
        }
    }

    @Test
    void allThreeAreDiscoveredThroughServiceLoader() {
        assertTrue(GoldenCheck.discover().implemented().containsAll(List.of("text_t5", "text_bert", "text_mt5")));
    }
}
