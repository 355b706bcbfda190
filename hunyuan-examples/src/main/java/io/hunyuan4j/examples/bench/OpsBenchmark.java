package io.hunyuan4j.examples.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.ops.FusedAttention;
import io.hunyuan4j.core.ops.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * Ops benchmark (issue 3): attention fused vs chunked (ms, peak MB) and a linear layer in float32 vs bf16
 * (GFLOP/s). Defaults are the sizes: attention L=4096, 24 heads, head dim 128; linear 3072 -> 12288 on
 * 4096 tokens. Peak MB is the growth of the process's peak RSS over its level before the measured calls (Linux
 * VmHWM, reset through /proc/self/clear_refs).
 *
 * <pre>
 * OpsBenchmark [--len 4096] [--heads 24] [--head-dim 128] [--tokens 4096] [--in 3072] [--out 12288]
 *              [--warmup 2] [--iters 3]
 * </pre>
 */
public final class OpsBenchmark {

    private OpsBenchmark() {}

    /** Options, with the sizes as defaults. */
    record Options(int len, int heads, int headDim, int tokens, int in, int out, int warmup, int iters) {
        static Options parse(String[] args) {
            int[] v = {4096, 24, 128, 4096, 3072, 12288, 2, 3};
            String[] names = {"--len", "--heads", "--head-dim", "--tokens", "--in", "--out", "--warmup", "--iters"};
            for (int i = 0; i < args.length; i++) {
                int k = java.util.Arrays.asList(names).indexOf(args[i]);
                if (k < 0 || i + 1 >= args.length) {
                    throw new IllegalArgumentException("unknown option or missing value: " + args[i] + "; options: "
                            + String.join(" ", names));
                }
                v[k] = Integer.parseInt(args[++i]);
                if (v[k] < (k == 6 ? 0 : 1)) {
                    throw new IllegalArgumentException(names[k] + " must be positive but is " + v[k]);
                }
            }
            return new Options(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        }
    }

    /** One measured result: best wall time of the iterations and the peak RSS growth. */
    record Result(double bestMs, double peakMb) {}

    /**
     * Runs the benchmark and prints its table.
     *
     * @param args the options of the class notes
     */
    public static void main(String[] args) {
        Options o = Options.parse(args);
        System.out.println("ops benchmark: " + o);
        System.out.println(Kernels.status(Device.cpu()));
        try (NDManager m = NDManager.newBaseManager()) {
            attention(m, o);
            linear(m, o);
        }
    }

    private static void attention(NDManager m, Options o) {
        Shape s = new Shape(1, o.heads(), o.len(), o.headDim());
        NDArray q = m.randomNormal(s);
        NDArray k = m.randomNormal(s);
        NDArray v = m.randomNormal(s);
        double flop = 4.0 * o.heads() * o.len() * (double) o.len() * o.headDim();
        System.out.printf(Locale.ROOT, "%nattention B=1 H=%d L=%d D=%d (%.1f GFLOP per call)%n", o.heads(), o.len(),
                o.headDim(), flop / 1e9);
        System.out.println("| backend | dtype | best ms | GFLOP/s | peak MB |");
        System.out.println("|---|---|---|---|---|");
        AttentionBackend[] backends = {new FusedAttention(), new ChunkedAttention()};
        for (AttentionBackend b : backends) {
            Result r = measure(m, o, x -> b.attention(q, k, v, null));
            row(b.name(), "fp32", r, flop);
        }
        NDArray qb = F.toBf16(q);
        NDArray kb = F.toBf16(k);
        NDArray vb = F.toBf16(v);
        Result r = measure(m, o, x -> backends[0].attention(qb, kb, vb, null));
        row(backends[0].name(), "bf16", r, flop);
    }

    private static void linear(NDManager m, Options o) {
        NDArray x = m.randomNormal(new Shape(o.tokens(), o.in()));
        NDArray w = m.randomNormal(new Shape(o.out(), o.in())).mul(0.02f);
        NDArray b = m.randomNormal(new Shape(o.out()));
        double flop = 2.0 * o.tokens() * o.in() * (double) o.out();
        System.out.printf(Locale.ROOT, "%nlinear %d x %d -> %d (%.1f GFLOP per call)%n", o.tokens(), o.in(), o.out(),
                flop / 1e9);
        System.out.println("| dtype | best ms | GFLOP/s | peak MB |");
        System.out.println("|---|---|---|---|");
        Result f32 = measure(m, o, z -> F.linear(x, w, b));
        System.out.printf(Locale.ROOT, "| fp32 | %.1f | %.0f | %.0f |%n", f32.bestMs(), flop / f32.bestMs() / 1e6,
                f32.peakMb());
        NDArray xb = F.toBf16(x);
        NDArray wb = F.toBf16(w);
        NDArray bb = F.toBf16(b);
        Result bf = measure(m, o, z -> F.linear(xb, wb, bb));
        System.out.printf(Locale.ROOT, "| bf16 | %.1f | %.0f | %.0f |%n", bf.bestMs(), flop / bf.bestMs() / 1e6,
                bf.peakMb());
        System.out.printf(Locale.ROOT, "bf16 / fp32 speed-up: %.2fx%n", f32.bestMs() / bf.bestMs());
    }

    private static void row(String name, String dtype, Result r, double flop) {
        System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.0f | %.0f |%n", name, dtype, r.bestMs(),
                flop / r.bestMs() / 1e6, r.peakMb());
    }

    /** Warm-up calls, then the timed calls, each in its own scope so results are freed at once. */
    private static Result measure(NDManager m, Options o, Function<NDManager, NDArray> op) {
        for (int i = 0; i < o.warmup(); i++) {
            try (NDManager scope = m.newSubManager()) {
                op.apply(scope).attach(scope);
            }
        }
        long before = rss("VmRSS");
        resetPeak();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < o.iters(); i++) {
            try (NDManager scope = m.newSubManager()) {
                long t0 = System.nanoTime();
                NDArray y = op.apply(scope);
                y.attach(scope);
                best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            }
        }
        long peak = rss("VmHWM");
        return new Result(best, before < 0 || peak < 0 ? Double.NaN : (peak - before) / 1048576.0);
    }

    private static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException e) {
            // not Linux or not permitted: the peak then includes earlier phases
        }
    }

    /** A /proc/self/status field in bytes, or -1 where unavailable. */
    private static long rss(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
