package io.hunyuan4j.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.transformer.TransformerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The benchmark at a tiny setting: what it reports is what it measured (token and weight counts from the config,
 * the FLOP count of {@link TransformerBenchmark#forwardFlops}, best and mean of the timed forwards, the rate
 * derived from them), and the forward it times is the DiT's: its output equals a direct call on the same seed.
 */
class TransformerBenchmarkTest {

    private static final int WARMUP = 1;
    private static final int ITERS = 2;
    private static final List<Integer> ATTENTION_TOKENS = List.of(256, 512);
    private static final String[] TINY = {"--heads", "2", "--head-dim", "16", "--dual", "1", "--single", "1",
        "--refiner", "1", "--text-dim", "32", "--pooled-dim", "16", "--channels", "4", "--frames", "2", "--height",
        "4", "--width", "4", "--text-len", "8", "--warmup", Integer.toString(WARMUP), "--iters",
        Integer.toString(ITERS), "--gemm", "128", "--attn-tokens", "256,512", "--seed", "3"};
    /** float32 on the same engine and threads: the same forward gives the same values up to summation order. */
    private static final double OUTPUT_TOLERANCE = 1e-5;

    private static Matcher line(String out, String regex) {
        Matcher m = Pattern.compile("(?m)^" + regex + "$").matcher(out);
        assertTrue(m.find(), "no line matching " + regex + " in:\n" + out);
        return m;
    }

    @Test
    void reportsWhatItMeasuredAndTimesTheRealForward() throws Exception {
        Map<String, String> args = TransformerBenchmark.parse(TINY);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        TransformerBenchmark.run(args, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        TransformerConfig c = TransformerBenchmark.config(args);

        // tokens: frames / p_t x (height / p) x (width / p) video, --text-len text
        long videoTokens = 2L / c.patchSizeT() * (4 / c.patchSize()) * (4 / c.patchSize());
        line(out, Pattern.quote("latent 4x2x4x4 -> " + videoTokens + " video tokens + 8 text tokens, FLOAT32"));
        Map<String, Shape> shapes = HunyuanVideoTransformer3D.expectedShapes(c);
        long params = shapes.values().stream().mapToLong(Shape::size).sum();
        line(out, Pattern.quote(String.format(Locale.ROOT, "weights: %d tensors, %.1fM parameters, built in",
                shapes.size(), params / 1e6)) + " [0-9.]+ s");

        double min = Double.MAX_VALUE;
        double sum = 0;
        for (int i = 0; i < WARMUP + ITERS; i++) {
            Matcher m = line(out, "forward " + i + (i < WARMUP ? " \\(warm-up\\)" : "") + ": ([0-9.]+) s");
            if (i >= WARMUP) {
                double t = Double.parseDouble(m.group(1));
                min = Math.min(min, t);
                sum += t;
            }
        }
        double flops = TransformerBenchmark.forwardFlops(c, videoTokens, 8);
        line(out, Pattern.quote(String.format(Locale.ROOT, "forward FLOPs: %.2f GFLOP", flops / 1e9)) + " .*");
        Matcher time = line(out, "forward time: best ([0-9.]+) s, mean ([0-9.]+) s over " + ITERS
                + "; ([0-9.]+) GFLOP/s");
        double best = Double.parseDouble(time.group(1));
        assertEquals(min, best, 1e-9, "best is the fastest timed forward, warm-up excluded");
        assertEquals(sum / ITERS, Double.parseDouble(time.group(2)), 1e-3, "mean of the timed forwards");
        double gflops = flops / best / 1e9; // from the printed best, rounded to the millisecond
        // a forward of a few milliseconds: that rounding alone moves the rate by up to 0.5 ms / (best - 0.5 ms)
        double bestRounding = gflops * 0.0005 / Math.max(best - 0.0005, 1e-9);
        assertEquals(gflops, Double.parseDouble(time.group(3)), 0.05 + 0.01 * gflops + bestRounding,
                "rate = FLOPs / best");
        for (String expected : new String[] {"fp32 GEMM ceiling", "efficiency vs fp32 GEMM ceiling",
            "peak RSS (VmHWM)"}) {
            assertTrue(out.contains(expected), "missing '" + expected + "' in:\n" + out);
        }
        for (int tokens : ATTENTION_TOKENS) {
            line(out, String.format(Locale.ROOT, "\\s+%d tokens: [0-9.]+ s, .*", tokens));
        }

        // the timed forward is the DiT's: a fresh setup from the same options gives the printed output
        Matcher printed = line(out, "forward output: shape (\\(.*\\)), mean (\\S+), mean \\|x\\| (\\S+)");
        try (NDManager weights = NDManager.newBaseManager(); NDManager calls = NDManager.newBaseManager()) {
            TransformerBenchmark.Setup setup = TransformerBenchmark.setup(args, ComputeDtype.FLOAT32, weights, calls);
            try (NDArray direct = setup.model().forward(setup.input())) {
                TransformerBenchmark.OutputSummary s = TransformerBenchmark.OutputSummary.of(direct);
                assertEquals(new Shape(1, c.outChannels(), 2, 4, 4), s.shape());
                assertEquals(s.shape().toString(), printed.group(1));
                assertTrue(s.meanAbs() > 0, "a non-zero output: " + s.line());
                assertEquals(s.meanAbs(), Double.parseDouble(printed.group(3)), OUTPUT_TOLERANCE * s.meanAbs(),
                        s.line() + " vs " + printed.group());
                assertEquals(s.mean(), Double.parseDouble(printed.group(2)), OUTPUT_TOLERANCE * s.meanAbs(),
                        s.line() + " vs " + printed.group());
            }
            setup.model().close();
        }
    }

    @Test
    void flopCountOfTheIssueConfig() {
        TransformerConfig c = new TransformerConfig(16, 16, 8, 128, 4, 8, 2, 4f, 2, 1, TransformerConfig.RMS_NORM,
                true, 4096, 768, 256f, TransformerBenchmark.ropeAxes(128));
        assertEquals(new TransformerConfig.RopeAxesDim(16, 56, 56), c.ropeAxesDim());
        int videoTokens = 8448; // 33 x 32 x 32 latent, patch (1, 2, 2)
        int textTokens = 64;
        double t = videoTokens + textTokens;
        double d = c.innerDim();
        // dominant terms: attention 4 T^2 d per dual/single block, and the token-wise linears
        double attention = (c.numLayers() + c.numSingleLayers()) * 4 * t * t * d;
        double dualLinear = c.numLayers() * (4 * 2 * t * d * d + 2 * 2 * t * d * 4 * d);
        double singleLinear = c.numSingleLayers() * (3 * 2 * t * d * d + 2 * t * d * 4 * d + 2 * t * 5 * d * d);
        double flops = TransformerBenchmark.forwardFlops(c, videoTokens, textTokens);
        double dominant = attention + dualLinear + singleLinear;
        assertTrue(flops > dominant && flops < dominant * 1.01, flops + " vs " + dominant);
    }
}
