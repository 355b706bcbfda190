package io.hunyuan4j.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.transformer.TransformerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The benchmark runs end to end at a tiny setting; its FLOP count matches a hand count. */
class TransformerBenchmarkTest {

    @Test
    void runsAtATinySetting() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        TransformerBenchmark.run(TransformerBenchmark.parse(new String[] {"--heads", "2", "--head-dim", "16",
                "--dual", "1", "--single", "1", "--refiner", "1", "--text-dim", "32", "--pooled-dim", "16",
                "--channels", "4", "--frames", "2", "--height", "4", "--width", "4", "--text-len", "8", "--warmup",
                "0", "--iters", "1", "--gemm", "128", "--attn-tokens", "256,512"}),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        for (String expected : new String[] {"8 video tokens + 8 text tokens", "fp32 GEMM ceiling", "forward 0:",
                "forward time: best", "efficiency vs fp32 GEMM ceiling", "peak RSS (VmHWM)", "256 tokens",
                "512 tokens"}) {
            assertTrue(out.contains(expected), "missing '" + expected + "' in:\n" + out);
        }
    }

    @Test
    void flopCountOfTheIssueConfig() {
        TransformerConfig c = new TransformerConfig(16, 16, 8, 128, 4, 8, 2, 4f, 2, 1, TransformerConfig.RMS_NORM,
                true, 4096, 768, 256f, TransformerBenchmark.ropeAxes(128));
        assertEquals(new TransformerConfig.RopeAxesDim(16, 56, 56), c.ropeAxesDim());
        double t = 8448 + 64;
        double d = 1024;
        // dominant terms: attention 4 T^2 d per dual/single block, and the token-wise linears
        double attention = 12 * 4 * t * t * d;
        double dualLinear = 4 * (4 * 2 * t * d * d + 2 * 2 * t * d * 4 * d);
        double singleLinear = 8 * (3 * 2 * t * d * d + 2 * t * d * 4 * d + 2 * t * 5 * d * d);
        double flops = TransformerBenchmark.forwardFlops(c, 8448, 64);
        double dominant = attention + dualLinear + singleLinear;
        assertTrue(flops > dominant && flops < dominant * 1.01, flops + " vs " + dominant);
    }
}
