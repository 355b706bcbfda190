package io.hunyuan4j.examples.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import io.hunyuan4j.cogvideox.transformer.CogVideoXRotaryPosEmbed;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformer3DModel;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformerConfig;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformerInput;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.transformer.IntermediateListener;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.RandomWeights;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One CogVideoX denoising step (one transformer forward over the classifier-free-guidance batch of 2) at the
 * real widths of a published checkpoint, from its manifest's config ({@code --manifest}, default
 * {@code ../shared/golden-cogvideox/manifests/transformer-5b.json}), with random weights. {@code --layers N}
 * keeps the first N of the 30 (2B) or 42 (5B) blocks, so the step time scales to the full model by
 * {@code (embed + N blocks)}; the per-block time is printed. Defaults: 480x720, 49 frames, bf16, all layers.
 * Each phase (building the random weights, the inputs, every step) prints its wall time and peak RSS.
 */
public final class CogVideoXStepBenchmark {

    static final String USAGE = "usage: CogVideoXStepBenchmark [--manifest path] [--layers N] [--dtype bf16|fp32]"
            + " [--device cpu|gpu|gpu:N] [--progress false|true]"
            + " [--height 480] [--width 720] [--frames 49] [--iters 1] [--seed 0]";

    private CogVideoXStepBenchmark() {}

    /**
     * Runs the benchmark; exits 2 on bad arguments.
     *
     * @param args {@code --name value} options, see {@link #USAGE}
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("error: bad argument '" + args[i] + "'\n" + USAGE);
                System.exit(2);
                return;
            }
            a.put(args[i].substring(2), args[i + 1]);
        }
        ComputeDtype dtype = ComputeDtype.parse(a.getOrDefault("dtype", "bf16"));
        Device device = ComponentOptions.parseDevice(a.getOrDefault("device", "cpu"));
        Path manifest = Path.of(a.getOrDefault("manifest", "../shared/golden-cogvideox/manifests/transformer-5b.json"));
        JsonObject cfg = JsonConfig.read(manifest).object("config").json().deepCopy();
        int fullLayers = cfg.get("num_layers").getAsInt();
        int layers = Integer.parseInt(a.getOrDefault("layers", Integer.toString(fullLayers)));
        cfg.addProperty("num_layers", layers);
        CogVideoXTransformerConfig c = CogVideoXTransformerConfig.fromJson(JsonConfig.of(manifest + " (num_layers "
                + layers + ")", cfg));
        int height = Integer.parseInt(a.getOrDefault("height", "480"));
        int width = Integer.parseInt(a.getOrDefault("width", "720"));
        int frames = Integer.parseInt(a.getOrDefault("frames", "49"));
        int iters = Integer.parseInt(a.getOrDefault("iters", "1"));
        long seed = Long.parseLong(a.getOrDefault("seed", "0"));
        boolean progress = Boolean.parseBoolean(a.getOrDefault("progress", "false"));
        int lf = (frames - 1) / 4 + 1;
        int lh = height / 8;
        int lw = width / 8;
        long tokens = (long) lf * (lh / c.patchSize()) * (lw / c.patchSize());
        System.out.printf(Locale.ROOT, "CogVideoX step: %s, %d of %d layers, %d heads x %d, %s; latent %dx%dx%dx%d"
                + " -> %d video + %d text tokens, CFG batch 2%n", manifest.getFileName(), layers, fullLayers,
                c.numAttentionHeads(), c.attentionHeadDim(), dtype, c.inChannels(), lf, lh, lw, tokens,
                c.maxTextSeqLength());
        long params = CogVideoXTransformer3DModel.expectedShapes(c).values().stream().mapToLong(Shape::size).sum();
        System.out.printf(Locale.ROOT, "%d parameters: %.0f MiB in %s%n", params,
                params * (dtype == ComputeDtype.BF16 ? 2.0 : 4.0) / (1 << 20), dtype);
        ComponentOptions options = new ComponentOptions(device, dtype, LoadMode.EAGER);
        Map<String, Shape> shapes = CogVideoXTransformer3DModel.expectedShapes(c);
        // off the CPU the weights are drawn on the device itself: billions of host-drawn values would dominate
        RandomWeights weights = device.equals(Device.cpu()) ? new RandomWeights(shapes, seed)
                : RandomWeights.onDevice(shapes, seed);
        try (PeakRss rss = new PeakRss();
                CogVideoXTransformer3DModel model = CogVideoXTransformer3DModel.fromWeights(c, weights, options,
                        "random on " + device);
                NDManager m = NDManager.newBaseManager(device)) {
            rss.phase("build weights");
            m.getEngine().setRandomSeed((int) seed);
            NDArray latents = m.randomNormal(new Shape(2, lf, c.inChannels(), lh, lw));
            NDArray text = m.randomNormal(new Shape(2, c.maxTextSeqLength(), c.textEmbedDim()));
            NDArray timestep = HostArrays.longs(m, new long[] {999, 999}, new Shape(2));
            RotaryEmbedding rope = c.useRotaryPositionalEmbeddings()
                    ? CogVideoXRotaryPosEmbed.forLatents(m, c, lf, lh, lw) : null;
            rss.phase("inputs");
            for (int i = 0; i < iters; i++) {
                try (NDManager step = m.newSubManager()) {
                    long t0 = System.nanoTime();
                    // per-block progress (a listener makes the bf16 forward hand out float32 copies: a few % slower)
                    IntermediateListener listener = !progress ? IntermediateListener.NONE : (name, value) -> {
                        if (name.matches("transformer_blocks\\.\\d+\\.hidden_states")) {
                            System.out.printf(Locale.ROOT, "  %s done at %.1f s, RSS %.0f MiB%n",
                                    name.substring(0, name.lastIndexOf('.')), (System.nanoTime() - t0) / 1e9,
                                    PeakRss.currentMib());
                        }
                    };
                    NDArray out = model.forward(new CogVideoXTransformerInput(latents, text, timestep, null, rope),
                            listener);
                    out.attach(step);
                    float probe = out.toType(DataType.FLOAT32, false).get(0, 0, 0, 0, 0).getFloat();
                    double sec = rss.phase("step " + i);
                    System.out.printf(Locale.ROOT, "step %d: %.1f s (%.1f s per block incl. embed/out share),"
                            + " output[0]=%.4f%n", i, sec, sec / layers, probe);
                }
            }
        }
        System.out.printf(Locale.ROOT, "peak RSS (VmHWM): %.0f MiB%n", PeakRss.highWaterMib());
    }
}
