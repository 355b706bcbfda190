package io.hunyuan4j.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The GPU benchmark at a tiny config on the CPU, in bf16 as on a GPU: it reports the tokens and weights of its
 * config, the timed forwards and a rate derived from them, and one time per block of the configured depth.
 */
class DitDeviceBenchmarkTest {

    private static final String[] TINY = {"--device", "cpu", "--heads", "2", "--head-dim", "16", "--dual", "2",
        "--single", "3", "--refiner", "1", "--text-dim", "32", "--pooled-dim", "16", "--channels", "4", "--frames",
        "2", "--height", "4", "--width", "6", "--text-len", "8", "--text-valid", "5", "--warmup", "1", "--iters",
        "2"};

    private static Matcher line(String out, String regex) {
        Matcher m = Pattern.compile("(?m)^" + regex + "$").matcher(out);
        assertTrue(m.find(), "no line matching " + regex + " in:\n" + out);
        return m;
    }

    @Test
    void tinyConfigReportsTimesRatesAndEveryBlock() {
        DitDeviceBenchmark.Options o = DitDeviceBenchmark.Options.of(TransformerBenchmark.parse(TINY));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DitDeviceBenchmark.run(o, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);

        line(out, "device: cpu\\(\\), dtype BF16, float32 precision STRICT; TorchScript kernels loaded on cpu\\(\\).*");
        line(out, Pattern.quote("config: hidden 32 (2 heads x 16), 2 dual + 3 single blocks, 1 refiner"));
        // 2 frames / p_t 1 x (4 / 2) x (6 / 2) = 12 video tokens
        line(out, Pattern.quote("tokens: latent 4x2x4x6 -> 12 video + 8 text (5 valid)"));
        long params = HunyuanVideoTransformer3D.expectedShapes(o.config()).values().stream()
                .mapToLong(s -> s.size()).sum();
        line(out, Pattern.quote(String.format(Locale.ROOT, "weights: %d tensors, %.3fB parameters, generated on cpu()",
                HunyuanVideoTransformer3D.expectedShapes(o.config()).size(), params / 1e9)) + " in [0-9.]+ s");
        line(out, "forward 0 \\(warm-up\\): [0-9.]+ s");
        line(out, "forward 2: [0-9.]+ s");
        Matcher f = line(out, "forward: best ([0-9.]+) s, mean ([0-9.]+) s over 2; ([0-9.]+) TFLOP/s \\(([0-9.]+)"
                + " GFLOP per forward\\)");
        double flops = TransformerBenchmark.forwardFlops(o.config(), 12, 5);
        assertEquals(flops / 1e9, Double.parseDouble(f.group(4)), 0.01);
        assertTrue(Double.parseDouble(f.group(1)) <= Double.parseDouble(f.group(2)));
        for (int i = 0; i < 2; i++) {
            line(out, "block transformer_blocks\\." + i + ": [0-9.]+ ms");
        }
        for (int i = 0; i < 3; i++) {
            line(out, "block single_transformer_blocks\\." + i + ": [0-9.]+ ms");
        }
        assertEquals(5, Pattern.compile("(?m)^block ").matcher(out).results().count(), out);
        line(out, "instrumented forward: [0-9.]+ ms; dual blocks mean [0-9.]+ ms, single blocks mean [0-9.]+ ms,"
                + " outside the blocks -?[0-9.]+ ms");
    }

    @Test
    void badOptionsNameWhatIsExpected() {
        assertEquals(Device.gpu(1), io.hunyuan4j.core.api.ComponentOptions.parseDevice("gpu:1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DitDeviceBenchmark.Options.of(
                TransformerBenchmark.parse(new String[] {"--device", "tpu"}))).getMessage()
                .contains("cpu, gpu or gpu:N"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DitDeviceBenchmark.Options.of(
                TransformerBenchmark.parse(new String[] {"--depth", "3"}))).getMessage()
                .contains("unknown option --depth"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DitDeviceBenchmark.Options.of(
                TransformerBenchmark.parse(new String[] {"--text-len", "4", "--text-valid", "5"}))).getMessage()
                .contains("--text-valid must be in 1..4"));
    }
}
