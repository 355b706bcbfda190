package io.hunyuan4j.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.transformer.TransformerConfig;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.RandomWeights;
import io.hunyuan4j.core.weights.StateDict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-forward time, FLOP efficiency against this machine's GEMM ceiling, peak RSS, and attention memory at long
 * sequences, for the HunyuanVideo DiT at a small but real block structure (issue 5, "Speed and memory").
 *
 * <p>Defaults: hidden 1024 = 8 heads x 128, 4 dual + 8 single blocks, 2 refiner blocks, text_embed_dim 4096,
 * latent 16 x 33 x 32 x 32 (8448 tokens), 64 text tokens, float32, random weights generated in memory.
 * Every option is {@code --name value}; see {@link #USAGE}.
 */
public final class TransformerBenchmark {

    static final String USAGE = "usage: TransformerBenchmark [--dtype fp32|bf16] [--heads 8] [--head-dim 128]"
            + " [--dual 4] [--single 8] [--refiner 2] [--text-dim 4096] [--pooled-dim 768] [--channels 16]"
            + " [--frames 33] [--height 32] [--width 32] [--text-len 64] [--warmup 1] [--iters 3] [--gemm 4096]"
            + " [--attn-tokens 8192,16384,32768] [--seed 0] [--profile true] [--attention default|fused|auto|...]";

    private TransformerBenchmark() {}

    /**
     * Runs the benchmark; exits 2 on bad arguments or an unavailable dtype.
     *
     * @param args {@code --name value} options, see {@link #USAGE}
     * @throws IOException if {@code /proc/self} cannot be read
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        Map<String, String> a;
        try {
            a = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        try {
            ComputeDtype.parse(a.getOrDefault("dtype", "fp32"));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        run(a, System.out);
    }

    static void run(Map<String, String> a, PrintStream out) throws IOException {
        ComputeDtype dtype = ComputeDtype.parse(a.getOrDefault("dtype", "fp32"));
        TransformerConfig c = config(a);
        long frames = num(a, "frames", 33);
        long height = num(a, "height", 32);
        long width = num(a, "width", 32);
        long n = frames / c.patchSizeT() * (height / c.patchSize()) * (width / c.patchSize());
        int textLen = num(a, "text-len", 64);
        int warmup = num(a, "warmup", 1);
        int iters = num(a, "iters", 3);
        out.printf(Locale.ROOT, "config: %s%nlatent %dx%dx%dx%d -> %d video tokens + %d text tokens, %s%n",
                c, c.inChannels(), frames, height, width, n, textLen, dtype);

        double gemmFlops = gemmCeiling(num(a, "gemm", 4096), out);
        double bf16Flops = dtype == ComputeDtype.BF16 ? bf16LinearCeiling(out) : Double.NaN;

        double flops = forwardFlops(c, n, textLen);
        try (NDManager weights = NDManager.newBaseManager(); NDManager calls = NDManager.newBaseManager()) {
            long t0 = System.nanoTime();
            Setup setup = setup(a, dtype, weights, calls);
            out.printf(Locale.ROOT, "weights: %d tensors, %.1fM parameters, built in %.1f s%n", setup.tensors(),
                    setup.parameters() / 1e6, (System.nanoTime() - t0) / 1e9);
            List<Double> times = new ArrayList<>();
            OutputSummary output = null;
            for (int i = 0; i < warmup + iters; i++) {
                long s = System.nanoTime();
                double sec;
                try (NDArray v = setup.model().forward(setup.input())) {
                    v.getFloat(0, 0, 0, 0, 0); // force completion
                    sec = (System.nanoTime() - s) / 1e9;
                    output = OutputSummary.of(v); // after the clock stops
                }
                if (i >= warmup) {
                    times.add(sec);
                }
                out.printf(Locale.ROOT, "forward %d%s: %.3f s%n", i, i < warmup ? " (warm-up)" : "", sec);
            }
            double best = times.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            double mean = times.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double rate = flops / best;
            if (output != null) {
                out.println(output.line());
            }
            out.printf(Locale.ROOT, "forward FLOPs: %.2f GFLOP (linear/conv 2MNK + attention 4 L^2 d h)%n",
                    flops / 1e9);
            out.printf(Locale.ROOT, "forward time: best %.3f s, mean %.3f s over %d; %.1f GFLOP/s%n", best, mean,
                    times.size(), rate / 1e9);
            out.printf(Locale.ROOT, "efficiency vs fp32 GEMM ceiling: %.1f %% (goal >= 60 %%)%n",
                    100 * rate / gemmFlops);
            if (dtype == ComputeDtype.BF16) {
                out.printf(Locale.ROOT, "efficiency vs bf16 GEMM ceiling: %.1f %% (goal >= 40 %%); attention %s%n",
                        100 * rate / bf16Flops, a.getOrDefault("attention", "default"));
            }
            out.printf(Locale.ROOT, "peak RSS (VmHWM): %.0f MiB%n", vm("VmHWM") / 1024.0);
            if (Boolean.parseBoolean(a.getOrDefault("profile", "false"))) {
                profile(setup.model(), setup.input(), out);
            }
            setup.model().close();
        }
        attentionMemory(a.getOrDefault("attn-tokens", "8192,16384,32768"), c, out);
    }

    /** The DiT config the options describe (defaults: the benchmark's block structure, see the class notes). */
    static TransformerConfig config(Map<String, String> a) {
        int headDim = num(a, "head-dim", 128);
        return new TransformerConfig(num(a, "channels", 16), num(a, "channels", 16), num(a, "heads", 8), headDim,
                num(a, "dual", 4), num(a, "single", 8), num(a, "refiner", 2), 4.0f, 2, 1, TransformerConfig.RMS_NORM,
                true, num(a, "text-dim", 4096), num(a, "pooled-dim", 768), 256f, ropeAxes(headDim));
    }

    /**
     * The benchmarked DiT and its input, both from {@code --seed}: the same options give the same weights and
     * input, so a forward of a fresh setup reproduces the benchmark's {@link OutputSummary}.
     *
     * @param tensors the number of weight tensors
     * @param parameters the number of weights
     */
    record Setup(HunyuanVideoTransformer3D model, DenoiserInput input, int tensors, long parameters) { }

    /** Builds the {@link Setup}: weights into {@code weights} (capped), the input into {@code calls}. */
    static Setup setup(Map<String, String> a, ComputeDtype dtype, NDManager weights, NDManager calls) {
        TransformerConfig c = config(a);
        Map<String, Shape> shapes = HunyuanVideoTransformer3D.expectedShapes(c);
        calls.getEngine().setRandomSeed(num(a, "seed", 0));
        StateDict w = StateDict.load(new RandomWeights(shapes, num(a, "seed", 0)), weights, LoadMode.EAGER,
                dtype.loader(), "random");
        HunyuanVideoTransformer3D model = new HunyuanVideoTransformer3D(c, w,
                AttentionBackends.byName(a.getOrDefault("attention", "default")), dtype);
        weights.cap();
        DenoiserInput in = inputs(calls, c, num(a, "frames", 33), num(a, "height", 32), num(a, "width", 32),
                num(a, "text-len", 64));
        return new Setup(model, in, shapes.size(), shapes.values().stream().mapToLong(Shape::size).sum());
    }

    /**
     * What the forward computed, printed so runs can be compared (across dtypes, engines, machines) and checked
     * against a direct call.
     */
    record OutputSummary(Shape shape, double mean, double meanAbs) {

        static OutputSummary of(NDArray v) {
            float[] x;
            if (v.getDataType() == DataType.FLOAT32) {
                x = v.toFloatArray();
            } else {
                try (NDArray f = v.toType(DataType.FLOAT32, true)) {
                    x = f.toFloatArray();
                }
            }
            double sum = 0;
            double abs = 0;
            for (float f : x) {
                sum += f;
                abs += Math.abs(f);
            }
            return new OutputSummary(v.getShape(), sum / x.length, abs / x.length);
        }

        String line() {
            return String.format(Locale.ROOT, "forward output: shape %s, mean %.6e, mean |x| %.6e", shape, mean,
                    meanAbs);
        }
    }

    /**
     * One more forward under libtorch's profiler: the ten aten ops with the most self time (an op's time minus
     * the aten ops nested in it on the same thread), so the table says where the forward's time goes.
     */
    static void profile(HunyuanVideoTransformer3D model, DenoiserInput in, PrintStream out) throws IOException {
        Path trace = Files.createTempFile("hunyuan-profile", ".json");
        ai.djl.pytorch.jni.JniUtils.startProfile(false, false, false);
        try (NDArray v = model.forward(in)) {
            v.getFloat(0, 0, 0, 0, 0);
        }
        ai.djl.pytorch.jni.JniUtils.stopProfile(trace.toString());
        com.google.gson.JsonArray events = com.google.gson.JsonParser.parseString(Files.readString(trace))
                .getAsJsonArray();
        Files.deleteIfExists(trace);
        record Op(String name, double start, double end, long tid) { }
        List<Op> ops = new ArrayList<>();
        for (var e : events) {
            var o = e.getAsJsonObject();
            if (o.has("dur") && o.get("name").getAsString().startsWith("aten::")) {
                double ts = o.get("ts").getAsDouble();
                ops.add(new Op(o.get("name").getAsString(), ts, ts + o.get("dur").getAsDouble(),
                        o.has("tid") ? o.get("tid").getAsLong() : 0));
            }
        }
        ops.sort(java.util.Comparator.comparingLong(Op::tid).thenComparingDouble(Op::start)
                .thenComparing(java.util.Comparator.comparingDouble(Op::end).reversed()));
        Map<String, Double> self = new HashMap<>();
        Map<String, Integer> calls = new HashMap<>();
        java.util.ArrayDeque<double[]> stack = new java.util.ArrayDeque<>(); // [end, index]
        double[] childTime = new double[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            while (!stack.isEmpty() && (stack.peek()[0] <= op.start() || ops.get((int) stack.peek()[1]).tid() != op.tid())) {
                stack.pop();
            }
            if (!stack.isEmpty()) {
                childTime[(int) stack.peek()[1]] += op.end() - op.start();
            }
            stack.push(new double[] {op.end(), i});
        }
        double total = 0;
        for (int i = 0; i < ops.size(); i++) {
            double t = ops.get(i).end() - ops.get(i).start() - childTime[i];
            self.merge(ops.get(i).name(), t, Double::sum);
            calls.merge(ops.get(i).name(), 1, Integer::sum);
            total += t;
        }
        out.printf(Locale.ROOT, "profile of one forward: aten self time %.2f s, top 10 ops:%n", total / 1e6);
        final double sum = total;
        self.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(10)
                .forEach(e -> out.printf(Locale.ROOT, "  %-48s %8.3f s  %5.1f %%  %6d calls%n", e.getKey(),
                        e.getValue() / 1e6, 100 * e.getValue() / sum, calls.get(e.getKey())));
    }

    /** The best rate of a bf16 linear 4096 tokens x 3072 -> 12288 (OpsBenchmark's), in FLOP/s, printed. */
    static double bf16LinearCeiling(PrintStream out) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = io.hunyuan4j.core.ops.F.toBf16(m.randomNormal(new Shape(4096, 3072)));
            NDArray w = io.hunyuan4j.core.ops.F.toBf16(m.randomNormal(new Shape(12288, 3072)).mul(0.02f));
            NDArray b = io.hunyuan4j.core.ops.F.toBf16(m.zeros(new Shape(12288)));
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 4; i++) {
                try (NDManager s = m.newSubManager()) {
                    long t = System.nanoTime();
                    NDArray y = io.hunyuan4j.core.ops.F.linear(x, w, b);
                    y.attach(s);
                    y.get(0, 0).close();
                    best = Math.min(best, (System.nanoTime() - t) / 1e9);
                }
            }
            double flops = 2.0 * 4096 * 3072 * 12288 / best;
            out.printf(Locale.ROOT, "bf16 GEMM ceiling (linear 4096 x 3072 -> 12288): %.0f GFLOP/s%n", flops / 1e9);
            return flops;
        }
    }

    /** The best rate of a few {@code size^3} float32 matmuls, in FLOP/s. */
    static double gemmCeiling(int size, PrintStream out) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(size, size));
            NDArray y = m.randomNormal(new Shape(size, size));
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 4; i++) {
                try (NDManager s = m.newSubManager()) {
                    long t = System.nanoTime();
                    NDArray z = x.matMul(y);
                    z.attach(s);
                    z.getFloat(0, 0);
                    best = Math.min(best, (System.nanoTime() - t) / 1e9);
                }
            }
            double rate = 2.0 * size * size * size / best;
            out.printf(Locale.ROOT, "fp32 GEMM ceiling (%d^3 matmul, same engine): %.1f GFLOP/s%n", size, rate / 1e9);
            return rate;
        }
    }

    /**
     * FLOPs of one forward: {@code 2 M N K} for every linear and the patch conv, {@code 4 L^2 d h} for every
     * attention; element-wise ops are not counted.
     */
    static double forwardFlops(TransformerConfig c, long n, long l) {
        double d = c.innerDim();
        double mlp = c.mlpDim();
        double t = n + l;
        double f = 2.0 * n * (c.inChannels() * c.patchSizeT() * c.patchSize() * c.patchSize()) * d; // x_embedder
        f += 2.0 * (256 * d + d * d) * 3 + 2.0 * (c.pooledProjectionDim() * d + d * d); // time/guidance/refiner t
        f += 2.0 * (c.textEmbedDim() * d + d * d); // refiner pooled text embedder
        f += 2.0 * l * c.textEmbedDim() * d; // refiner proj_in
        double refinerBlock = 4 * 2.0 * l * d * d + 4.0 * l * l * d + 2 * 2.0 * l * d * 4 * d + 2.0 * d * 2 * d;
        f += c.numRefinerLayers() * refinerBlock;
        double dual = 2 * 2.0 * d * 6 * d + 3 * 2.0 * t * d * d + 2.0 * t * d * d + 4.0 * t * t * d
                + 2 * 2.0 * t * d * mlp;
        f += c.numLayers() * dual;
        double single = 2.0 * d * 3 * d + 3 * 2.0 * t * d * d + 2.0 * t * d * mlp + 2.0 * t * (d + mlp) * d
                + 4.0 * t * t * d;
        f += c.numSingleLayers() * single;
        f += 2.0 * d * 2 * d + 2.0 * n * d * c.projOutChannels(); // norm_out, proj_out
        return f;
    }

    /** Peak RSS of exact chunked attention alone at each sequence length (VmHWM reset before each). */
    static void attentionMemory(String spec, TransformerConfig c, PrintStream out) {
        if (spec.equals("none")) {
            return;
        }
        ChunkedAttention attention = new ChunkedAttention();
        out.println("attention memory (ChunkedAttention, " + c.numAttentionHeads() + " heads x "
                + c.attentionHeadDim() + ", float32, q/k/v/out included):");
        for (String s : spec.split(",")) {
            long len = Long.parseLong(s.trim());
            try (NDManager m = NDManager.newBaseManager()) {
                Shape shape = new Shape(1, c.numAttentionHeads(), len, c.attentionHeadDim());
                NDArray q = m.randomNormal(shape);
                NDArray k = m.randomNormal(shape);
                NDArray v = m.randomNormal(shape);
                long base = vm("VmRSS");
                boolean reset = resetPeak();
                long t = System.nanoTime();
                NDArray o = attention.attention(q, k, v, null);
                o.getFloat(0, 0, 0, 0);
                double sec = (System.nanoTime() - t) / 1e9;
                long peak = vm("VmHWM");
                double qkvMiB = 3.0 * shape.size() * 4 / (1 << 20);
                out.printf(Locale.ROOT, "  %6d tokens: %.2f s, %.1f GFLOP/s, peak RSS growth during attention %s MiB"
                        + " (q/k/v inputs %.0f MiB)%n", len, sec, 4.0 * len * len * c.innerDim() / sec / 1e9,
                        reset ? String.format(Locale.ROOT, "%.0f", (peak - base) / 1024.0) : "n/a (no clear_refs)",
                        qkvMiB);
            }
        }
    }

    /** Resets VmHWM to the current RSS (Linux clear_refs "5"). */
    static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A /proc/self/status field in KiB, or -1. */
    static long vm(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** (t, h, w) RoPE channels for a head dim: HunyuanVideo's (16, 56, 56) at 128, scaled otherwise. */
    static TransformerConfig.RopeAxesDim ropeAxes(int headDim) {
        int t = Math.max(2, headDim / 8 / 2 * 2);
        int rest = headDim - t;
        int h = rest / 2 / 2 * 2;
        return new TransformerConfig.RopeAxesDim(t, h, rest - h);
    }

    static DenoiserInput inputs(NDManager m, TransformerConfig c, long frames, long height, long width, int textLen) {
        long[] mask = new long[textLen];
        for (int i = 0; i < textLen; i++) {
            mask[i] = i < textLen - textLen / 8 ? 1 : 0; // trailing padding, as real prompts have
        }
        return new DenoiserInput(m.randomNormal(new Shape(1, c.inChannels(), frames, height, width)),
                m.create(new float[] {700f}), m.randomNormal(new Shape(1, textLen, c.textEmbedDim())),
                m.create(mask, new Shape(1, textLen)), m.randomNormal(new Shape(1, c.pooledProjectionDim())),
                m.create(new float[] {6000f}));
    }

    private static int num(Map<String, String> a, String key, int def) {
        String v = a.get(key);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be an integer but is '" + v + "'");
        }
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            a.put(args[i].substring(2), args[++i]);
        }
        return a;
    }
}
