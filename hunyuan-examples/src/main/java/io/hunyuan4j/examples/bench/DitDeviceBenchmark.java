package io.hunyuan4j.examples.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.Kernels;
import io.hunyuan4j.core.ops.Precision;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.transformer.TransformerConfig;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.RandomWeights;
import io.hunyuan4j.core.weights.StateDict;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HunyuanVideo DiT on a device (a GPU first): real widths (24 heads x 128 = 3072, text 4096, pooled 768), a
 * configurable depth and latent size, random weights generated on the device itself
 * ({@link RandomWeights#onDevice}), bf16 by default. Prints the forward time and TFLOP/s (the FLOP count of
 * {@link TransformerBenchmark#forwardFlops}), then one instrumented forward with the device synchronised after
 * every block: per-block times and the time spent outside the blocks.
 *
 * <p>Defaults are the real model at 720x1280x129 (latent 16 x 33 x 90 x 160: 118,800 video tokens), 20 dual +
 * 40 single blocks, 256 text tokens, none padded. On a GPU:
 * <pre>
 * java -cp "$CP" io.hunyuan4j.examples.bench.DitDeviceBenchmark --device gpu --dual 2 --single 4 \
 *     --frames 9 --height 60 --width 104
 * </pre>
 * (docs/gpu.md has the full command; {@code -Dhunyuan.precision=fast} lets float32 convolutions use TF32, see
 * {@link Precision}). The numbers are this process's only: compare with a baseline (diffusers)
 * measured in the same run on the same card.
 */
public final class DitDeviceBenchmark {

    static final String USAGE = "usage: DitDeviceBenchmark [--device cpu|gpu|gpu:N] [--dtype bf16|fp32]"
            + " [--heads 24] [--head-dim 128] [--dual 20] [--single 40] [--refiner 2]"
            + " [--text-dim 4096] [--pooled-dim 768] [--channels 16] [--frames 33] [--height 90] [--width 160]"
            + " [--text-len 256] [--text-valid 256] [--warmup 1] [--iters 3] [--seed 0]";

    private static final Map<String, String> DEFAULTS = defaults();

    private DitDeviceBenchmark() {}

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("dtype", "bf16");
        d.put("heads", "24");
        d.put("head-dim", "128");
        d.put("dual", "20");
        d.put("single", "40");
        d.put("refiner", "2");
        d.put("text-dim", "4096");
        d.put("pooled-dim", "768");
        d.put("channels", "16");
        d.put("frames", "33");
        d.put("height", "90");
        d.put("width", "160");
        d.put("text-len", "256");
        d.put("warmup", "1");
        d.put("iters", "3");
        d.put("seed", "0");
        return d;
    }

    /**
     * Runs the benchmark; exits 2 on bad arguments.
     *
     * @param args {@code --name value} options, see {@link #USAGE}
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        Options o;
        try {
            o = Options.of(TransformerBenchmark.parse(args));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        run(o, System.out);
    }

    /** Parsed options. */
    record Options(Device device, ComputeDtype dtype, TransformerConfig config, long frames,
            long height, long width, int textLen, int textValid, int warmup, int iters, int seed) {

        static Options of(Map<String, String> given) {
            for (String k : given.keySet()) {
                if (!DEFAULTS.containsKey(k) && !k.equals("device") && !k.equals("text-valid")) {
                    throw new IllegalArgumentException("unknown option --" + k);
                }
            }
            Map<String, String> a = new LinkedHashMap<>(DEFAULTS);
            a.putAll(given);
            String dev = a.getOrDefault("device", Engine.getInstance().getGpuCount() > 0 ? "gpu" : "cpu");
            int headDim = num(a, "head-dim");
            TransformerConfig c = new TransformerConfig(num(a, "channels"), num(a, "channels"), num(a, "heads"),
                    headDim, num(a, "dual"), num(a, "single"), num(a, "refiner"), 4.0f, 2, 1,
                    TransformerConfig.RMS_NORM, true, num(a, "text-dim"), num(a, "pooled-dim"), 256f,
                    TransformerBenchmark.ropeAxes(headDim));
            int textLen = num(a, "text-len");
            int textValid = a.containsKey("text-valid") ? num(a, "text-valid") : textLen;
            if (textValid < 1 || textValid > textLen) {
                throw new IllegalArgumentException("--text-valid must be in 1.." + textLen + " but is " + textValid);
            }
            return new Options(ComponentOptions.parseDevice(dev), ComputeDtype.parse(a.getOrDefault("dtype", "bf16")), c, num(a, "frames"), num(a, "height"), num(a, "width"),
                    textLen, textValid, num(a, "warmup"), Math.max(1, num(a, "iters")), num(a, "seed"));
        }

        long videoTokens() {
            return frames / config.patchSizeT() * (height / config.patchSize()) * (width / config.patchSize());
        }
    }

    static void run(Options o, PrintStream out) {
        TransformerConfig c = o.config();
        long n = o.videoTokens();
        out.printf(Locale.ROOT, "device: %s, dtype %s, float32 precision %s; %s%n", o.device(), o.dtype(),
                Precision.configured(), Kernels.status(o.device()));
        out.printf(Locale.ROOT, "config: hidden %d (%d heads x %d), %d dual + %d single blocks, %d refiner%n",
                c.innerDim(), c.numAttentionHeads(), c.attentionHeadDim(), c.numLayers(), c.numSingleLayers(),
                c.numRefinerLayers());
        out.printf(Locale.ROOT, "tokens: latent %dx%dx%dx%d -> %d video + %d text (%d valid)%n", c.inChannels(),
                o.frames(), o.height(), o.width(), n, o.textLen(), o.textValid());
        double flops = TransformerBenchmark.forwardFlops(c, n, o.textValid());
        try (NDManager weights = NDManager.newBaseManager(o.device());
                NDManager calls = NDManager.newBaseManager(o.device())) {
            long t0 = System.nanoTime();
            Map<String, Shape> shapes = HunyuanVideoTransformer3D.expectedShapes(c);
            StateDict w = StateDict.load(RandomWeights.onDevice(shapes, o.seed()), weights, LoadMode.EAGER,
                    o.dtype().loader(), "random on " + o.device());
            HunyuanVideoTransformer3D model = new HunyuanVideoTransformer3D(c, w, AttentionBackends.defaultBackend(),
                    o.dtype());
            long params = shapes.values().stream().mapToLong(Shape::size).sum();
            DenoiserInput in = inputs(calls, o);
            sync(in.hiddenStates());
            out.printf(Locale.ROOT, "weights: %d tensors, %.3fB parameters, generated on %s in %.2f s%n",
                    shapes.size(), params / 1e9, o.device(), (System.nanoTime() - t0) / 1e9);
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < o.warmup() + o.iters(); i++) {
                long s = System.nanoTime();
                try (NDArray v = model.forward(in)) {
                    sync(v);
                }
                double sec = (System.nanoTime() - s) / 1e9;
                if (i >= o.warmup()) {
                    times.add(sec);
                }
                out.printf(Locale.ROOT, "forward %d%s: %.4f s%n", i, i < o.warmup() ? " (warm-up)" : "", sec);
            }
            double best = times.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double mean = times.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            out.printf(Locale.ROOT, "forward: best %.4f s, mean %.4f s over %d; %.3f TFLOP/s (%.2f GFLOP per"
                    + " forward)%n", best, mean, times.size(), flops / best / 1e12, flops / 1e9);
            perBlock(model, in, out);
            model.close();
        }
    }

    /**
     * One forward with the device synchronised after the embedders and after every block (through the
     * intermediates listener, which also keeps the masked diffusers path and adds a float32 copy of each block's
     * outputs): the per-block times and what is left outside the blocks.
     */
    private static void perBlock(HunyuanVideoTransformer3D model, DenoiserInput in, PrintStream out) {
        Map<String, Double> blocks = new LinkedHashMap<>();
        long[] last = {0};
        long start = System.nanoTime();
        try (NDArray v = model.forward(in, (name, value) -> {
            boolean blockEnd = name.endsWith(".hidden_states") && !name.endsWith("encoder_hidden_states")
                    && (name.startsWith("transformer_blocks.") || name.startsWith("single_transformer_blocks."));
            if (name.equals("context_embedder") || blockEnd) {
                sync(value);
                long now = System.nanoTime();
                if (blockEnd) {
                    blocks.put(name.substring(0, name.length() - ".hidden_states".length()), (now - last[0]) / 1e6);
                }
                last[0] = now;
            }
        })) {
            sync(v);
        }
        double total = (System.nanoTime() - start) / 1e6;
        double dual = 0;
        double single = 0;
        int nd = 0;
        int ns = 0;
        for (Map.Entry<String, Double> e : blocks.entrySet()) {
            out.printf(Locale.ROOT, "block %s: %.2f ms%n", e.getKey(), e.getValue());
            if (e.getKey().startsWith("single_")) {
                single += e.getValue();
                ns++;
            } else {
                dual += e.getValue();
                nd++;
            }
        }
        out.printf(Locale.ROOT, "instrumented forward: %.2f ms; dual blocks mean %.2f ms, single blocks mean %.2f ms,"
                + " outside the blocks %.2f ms%n", total, nd == 0 ? 0 : dual / nd, ns == 0 ? 0 : single / ns,
                total - dual - single);
    }

    /** Waits for the device: reading one element copies it to the host after the work before it. */
    private static void sync(NDArray x) {
        try (NDArray first = x.flatten().get(0)) {
            first.toFloatArray();
        }
    }

    private static DenoiserInput inputs(NDManager m, Options o) {
        TransformerConfig c = o.config();
        m.getEngine().setRandomSeed(o.seed());
        long[] mask = new long[o.textLen()];
        for (int i = 0; i < o.textValid(); i++) {
            mask[i] = 1;
        }
        return new DenoiserInput(m.randomNormal(new Shape(1, c.inChannels(), o.frames(), o.height(), o.width())),
                m.create(new float[] {700f}), m.randomNormal(new Shape(1, o.textLen(), c.textEmbedDim())),
                m.create(mask, new Shape(1, o.textLen())), m.randomNormal(new Shape(1, c.pooledProjectionDim())),
                m.create(new float[] {6000f}));
    }

    private static int num(Map<String, String> a, String key) {
        String v = a.getOrDefault(key, "");
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be an integer but is '" + v + "'");
        }
    }
}
