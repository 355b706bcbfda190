package io.hunyuan4j.examples.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.RandomWeights;
import io.hunyuan4j.dit.transformer.HunyuanDiT2DModel;
import io.hunyuan4j.dit.transformer.HunyuanDiTConfig;
import io.hunyuan4j.dit.transformer.HunyuanDiTInput;
import io.hunyuan4j.dit.transformer.HunyuanDiTRotaryPosEmbed;
import java.util.Locale;

/**
 * One HunyuanDiT denoising step at 1024x1024: the {@code HunyuanDiT2DModel} forward on the classifier-free-guidance
 * batch of 2 (latents 4 x 128 x 128, 4096 image tokens, 77 BERT + 256 mT5 text tokens) at the published v1.2 widths
 * (hidden 1408 = 16 heads x 88, mlp ratio 4.3637, cross-attention 1024 / 2048), random weights. The published model
 * has 40 blocks; {@code --blocks N} (even, the long skips pair the halves) builds fewer, and the line
 * {@code per block} lets the full step be extrapolated. Each phase (building the random bf16 weights, the
 * inputs, every step) prints its wall time and peak RSS.
 *
 * <p>Usage: {@code HunyuanDiTStepBenchmark [--dtype bf16|fp32] [--blocks 40] [--size 1024] [--iters 1]
 * [--device cpu|gpu|gpu:N]}; off the CPU the weights are drawn on the device ({@link RandomWeights#onDevice}).
 */
public final class HunyuanDiTStepBenchmark {

    private HunyuanDiTStepBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code --name value} options, see the class notes
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        java.util.Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        ComputeDtype dtype = ComputeDtype.parse(a.getOrDefault("dtype", "bf16"));
        int blocks = Integer.parseInt(a.getOrDefault("blocks", "40"));
        int size = Integer.parseInt(a.getOrDefault("size", "1024"));
        int iters = Integer.parseInt(a.getOrDefault("iters", "1"));
        Device device = ComponentOptions.parseDevice(a.getOrDefault("device", "cpu"));
        if (blocks < 2 || blocks % 2 != 0 || size % 16 != 0) {
            System.err.println("error: --blocks must be even and >= 2, --size a multiple of 16");
            System.exit(2);
            return;
        }
        HunyuanDiTConfig c = HunyuanDiTConfig.fromJson(JsonConfig.parse("bench/transformer/config.json", """
                {"activation_fn": "gelu-approximate", "attention_head_dim": 88, "cross_attention_dim": 1024,
                 "cross_attention_dim_t5": 2048, "hidden_size": 1408, "in_channels": 4, "learn_sigma": true,
                 "mlp_ratio": 4.3637, "norm_type": "layer_norm", "num_attention_heads": 16, "num_layers": %d,
                 "patch_size": 2, "pooled_projection_dim": 1024, "sample_size": 128, "text_len": 77,
                 "text_len_t5": 256, "use_style_cond_and_image_meta_size": false}
                """.formatted(blocks)));
        int latent = size / 8;
        long batch = 2;
        System.out.printf(Locale.ROOT, "HunyuanDiT v1.2 widths, %d blocks, %dx%d (latent %d, %d image tokens),"
                + " batch %d (CFG), %s%n", blocks, size, size, latent, (latent / 2) * (latent / 2), batch, dtype);
        long params = HunyuanDiT2DModel.expectedShapes(c).values().stream().mapToLong(Shape::size).sum();
        System.out.printf(Locale.ROOT, "%d parameters: %.0f MiB in %s%n", params,
                params * (dtype == ComputeDtype.BF16 ? 2.0 : 4.0) / (1 << 20), dtype);
        java.util.Map<String, Shape> shapes = HunyuanDiT2DModel.expectedShapes(c);
        // off the CPU the weights are drawn on the device itself, without a host copy
        RandomWeights weights = device.equals(Device.cpu()) ? new RandomWeights(shapes, 0)
                : RandomWeights.onDevice(shapes, 0);
        try (PeakRss rss = new PeakRss();
                HunyuanDiT2DModel model = HunyuanDiT2DModel.fromWeights(c, weights,
                        new ComponentOptions(device, dtype, LoadMode.EAGER), "random on " + device);
                NDManager m = NDManager.newBaseManager(device)) {
            rss.phase("build weights");
            m.getEngine().setRandomSeed(0);
            HunyuanDiTInput input = new HunyuanDiTInput(m.randomNormal(new Shape(batch, 4, latent, latent)),
                    m.create(new float[] {500f, 500f}), m.randomNormal(new Shape(batch, 77, 1024)),
                    m.ones(new Shape(batch, 77), DataType.INT64), m.randomNormal(new Shape(batch, 256, 2048)),
                    m.ones(new Shape(batch, 256), DataType.INT64), null, null,
                    HunyuanDiTRotaryPosEmbed.forGrid(m, 88, latent / 2, latent / 2, 2));
            rss.phase("inputs");
            double best = Double.MAX_VALUE;
            for (int i = 0; i < iters; i++) {
                try (NDArray out = model.forward(input)) {
                    out.getFloat(0, 0, 0, 0);
                    best = Math.min(best, rss.phase("step " + i));
                }
            }
            System.out.printf(Locale.ROOT, "best step %.2f s; per block %.2f s; 40-block step extrapolated %.1f s%n",
                    best, best / blocks, best / blocks * 40);
            System.out.printf(Locale.ROOT, "peak RSS (VmHWM): %.0f MiB%n", PeakRss.highWaterMib());
        }
    }
}
