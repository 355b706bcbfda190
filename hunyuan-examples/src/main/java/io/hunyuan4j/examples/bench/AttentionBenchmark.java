package io.hunyuan4j.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.Bf16ChunkedAttention;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.ops.FusedAttention;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * bf16 attention on CPU: libtorch's fused flash kernel against {@link Bf16ChunkedAttention} (bf16 matrix products,
 * float32 softmax, query blocks), same inputs, alternating calls, best of {@code --iters}; GFLOP/s counted as
 * {@code 4 L^2 D H} per call, and the largest difference between the two results relative to the largest value.
 * The crossover it measures is {@code AttentionBackends.BF16_CHUNKED_MIN_KEYS}.
 *
 * <pre>
 * mvn -q -pl hunyuan-examples exec:java -Dexec.mainClass=io.hunyuan4j.examples.bench.AttentionBenchmark \
 *   -Dexec.args="--tokens 1024,2048,4096,8192,32768 --heads 8 --head-dim 128 --iters 2"
 * </pre>
 */
public final class AttentionBenchmark {

    static final String USAGE = "usage: AttentionBenchmark [--tokens 8192,32768] [--heads 8] [--head-dim 128]"
            + " [--iters 2] [--score-mib 32] [--seed 0]";

    private AttentionBenchmark() {}

    /**
     * Runs the benchmark; exits 2 on bad arguments.
     *
     * @param args {@code --name value} options, see {@link #USAGE}
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        Map<String, String> a;
        try {
            a = TransformerBenchmark.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        run(a, System.out);
    }

    static void run(Map<String, String> a, PrintStream out) {
        int heads = Integer.parseInt(a.getOrDefault("heads", "8"));
        int dim = Integer.parseInt(a.getOrDefault("head-dim", "128"));
        int iters = Integer.parseInt(a.getOrDefault("iters", "2"));
        long scoreBytes = Long.parseLong(a.getOrDefault("score-mib", "32")) << 20;
        AttentionBackend fused = new FusedAttention();
        AttentionBackend chunked = new Bf16ChunkedAttention(scoreBytes);
        out.printf(Locale.ROOT, "bf16 attention, B=1, H=%d, D=%d; load average %s%n", heads, dim, loadAverage());
        out.println("| tokens | fused (flash) | GFLOP/s | bf16-chunked | GFLOP/s | speed-up | max rel diff |");
        out.println("|---|---|---|---|---|---|---|");
        for (String t : a.getOrDefault("tokens", "8192,32768").split(",")) {
            long n = Long.parseLong(t.trim());
            double flops = 4.0 * n * n * dim * heads;
            try (NDManager m = NDManager.newBaseManager()) {
                m.getEngine().setRandomSeed(Integer.parseInt(a.getOrDefault("seed", "0")));
                Shape s = new Shape(1, heads, n, dim);
                NDArray q = F.toBf16(m.randomNormal(s));
                NDArray k = F.toBf16(m.randomNormal(s));
                NDArray v = F.toBf16(m.randomNormal(s));
                double bestFused = Double.MAX_VALUE;
                double bestChunked = Double.MAX_VALUE;
                float[] ref = null;
                float[] got = null;
                for (int i = 0; i < iters; i++) {
                    List<Object> r = new ArrayList<>();
                    bestFused = Math.min(bestFused, time(fused, q, k, v, i == 0 ? r : null));
                    bestChunked = Math.min(bestChunked, time(chunked, q, k, v, i == 0 ? r : null));
                    if (i == 0) {
                        ref = (float[]) r.get(0);
                        got = (float[]) r.get(1);
                    }
                }
                double diff = 0;
                double max = 0;
                for (int i = 0; ref != null && got != null && i < ref.length; i++) {
                    diff = Math.max(diff, Math.abs(got[i] - ref[i]));
                    max = Math.max(max, Math.abs(ref[i]));
                }
                out.printf(Locale.ROOT, "| %d | %.3f s | %.0f | %.3f s | %.0f | %.2fx | %.2e |%n", n, bestFused,
                        flops / bestFused / 1e9, bestChunked, flops / bestChunked / 1e9, bestFused / bestChunked,
                        diff / max);
            }
        }
    }

    /** One call's seconds; with {@code keep} non-null, its result as float32 is added to it (after the clock). */
    private static double time(AttentionBackend b, NDArray q, NDArray k, NDArray v,
            @org.jspecify.annotations.Nullable List<Object> keep) {
        long t0 = System.nanoTime();
        try (NDArray o = b.attention(q, k, v, null)) {
            o.get(0, 0, 0, 0).close(); // force completion
            double sec = (System.nanoTime() - t0) / 1e9;
            if (keep != null) {
                try (NDArray f = o.toType(DataType.FLOAT32, true)) {
                    keep.add(f.toFloatArray());
                }
            }
            return sec;
        }
    }

    /** {@code /proc/loadavg}'s first three fields, or "?" where it cannot be read. */
    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }
}
