package io.hunyuan4j.examples.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.offload.DeviceMemoryAccountant;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.offload.Offloader;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.transformer.TransformerCheckpoint;
import io.hunyuan4j.core.transformer.TransformerConfig;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import io.hunyuan4j.core.weights.TensorSource;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures how many bytes a DiT's weights keep resident in the process, for one storage mode per JVM, at the real
 * width (24 heads x 128, text dim 4096, pooled dim 768) with few layers, from one FP8 checkpoint (every matrix
 * F8_E4M3, the rest BF16):
 *
 * <ul>
 *   <li>{@code fp32}, {@code bf16}: loaded EAGER, every weight widened to the compute dtype at load;</li>
 *   <li>{@code fp8-file}: bound LAZY to the file under BLOCK offload: each block re-read from the file (positional
 *       reads, so its FP8 bytes sit in the kernel's page cache, outside the process) and widened while it runs;</li>
 *   <li>{@code fp8-held}: {@code TransformerCheckpoint.openInMemory} (the file's bytes copied into the process) bound
 *       LAZY under BLOCK offload.</li>
 * </ul>
 *
 * After one forward pass on a tiny input it prints the growth of VmRSS, RssAnon and RssFile since before the load,
 * and of the peak (VmHWM). {@code --mode write --file F} writes the checkpoint first. Run with
 * {@code MALLOC_MMAP_THRESHOLD_=131072} so freed blocks leave the RSS at once. Options: {@code --layers 1
 * --single-layers 1 --refiner-layers 1 --dtype fp32|bf16} (the compute dtype of the FP8 modes).
 */
public final class WeightResidencyBenchmark {

    private WeightResidencyBenchmark() {}

    static TransformerConfig config(Map<String, String> a) {
        return new TransformerConfig(16, 16, 24, 128, Integer.parseInt(a.getOrDefault("layers", "1")),
                Integer.parseInt(a.getOrDefault("single-layers", "1")),
                Integer.parseInt(a.getOrDefault("refiner-layers", "1")), 4.0f, 2, 1, TransformerConfig.RMS_NORM, true,
                4096, 768, 256f, TransformerBenchmark.ropeAxes(128));
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        Map<String, String> a = TransformerBenchmark.parse(args);
        String mode = a.getOrDefault("mode", "fp8-held");
        Path file = Path.of(a.getOrDefault("file", "/tmp/hunyuan4j-fp8-dit.safetensors"));
        TransformerConfig c = config(a);
        Map<String, Shape> shapes = HunyuanVideoTransformer3D.expectedShapes(c);
        long params = shapes.values().stream().mapToLong(Shape::size).sum();
        long fp8 = shapes.values().stream().filter(s -> s.dimension() >= 2).mapToLong(Shape::size).sum();
        if (mode.equals("write")) {
            write(file, shapes);
            System.out.printf(Locale.ROOT, "wrote %s: %d parameters, %d of them FP8, %.1f MiB%n", file, params, fp8,
                    (fp8 + 2.0 * (params - fp8)) / (1 << 20));
            return;
        }
        ComputeDtype dtype = ComputeDtype.parse(switch (mode) {
            case "fp32", "bf16" -> mode;
            default -> a.getOrDefault("dtype", "fp32");
        });
        long rss0 = TransformerBenchmark.vm("VmRSS");
        long anon0 = TransformerBenchmark.vm("RssAnon");
        long file0 = TransformerBenchmark.vm("RssFile");
        TransformerBenchmark.resetPeak();
        long hwm0 = TransformerBenchmark.vm("VmHWM");
        TensorSource held = null;
        HunyuanVideoTransformer3D model;
        switch (mode) {
            case "fp32", "bf16" -> model = HunyuanVideoTransformer3D.load(file, c,
                    new ComponentOptions(Device.cpu(), dtype, LoadMode.EAGER));
            case "fp8-file" -> model = HunyuanVideoTransformer3D.load(file, c,
                    new ComponentOptions(Device.cpu(), dtype, LoadMode.LAZY));
            case "fp8-held" -> {
                held = TransformerCheckpoint.openInMemory(file);
                model = HunyuanVideoTransformer3D.fromWeights(c, held,
                        new ComponentOptions(Device.cpu(), dtype, LoadMode.LAZY), file.toString());
            }
            default -> throw new IllegalArgumentException("--mode must be write, fp32, bf16, fp8-file or fp8-held");
        }
        DeviceMemoryAccountant acc = new DeviceMemoryAccountant();
        if (mode.startsWith("fp8")) {
            model.blockOffload(new Offloader(Device.cpu(), Offload.BLOCK, dtype, acc));
        }
        try (NDManager m = NDManager.newBaseManager();
                NDArray v = model.forward(TransformerBenchmark.inputs(m, c, 1, 16, 16, 16))) {
            v.getFloat(0, 0, 0, 0, 0);
        }
        double mib = 1024.0;
        System.out.printf(Locale.ROOT, "%s (compute %s): %d parameters (%.1f%% in matrices); resident after a forward:"
                + " VmRSS +%.0f MiB (anon +%.0f, file +%.0f), peak VmHWM +%.0f MiB; %.2f bytes/parameter;"
                + " offloader peak %.0f MiB%n", mode, dtype, params, 100.0 * fp8 / params,
                (TransformerBenchmark.vm("VmRSS") - rss0) / mib, (TransformerBenchmark.vm("RssAnon") - anon0) / mib,
                (TransformerBenchmark.vm("RssFile") - file0) / mib, (TransformerBenchmark.vm("VmHWM") - hwm0) / mib,
                (TransformerBenchmark.vm("VmRSS") - rss0) * 1024.0 / params, acc.peakBytes() / (mib * mib));
        model.close();
        if (held != null) {
            held.close();
        }
    }

    /** Matrices as F8_E4M3 with values of a few hundredths, vectors as BF16. */
    private static void write(Path file, Map<String, Shape> shapes) {
        SafetensorsWriter w = new SafetensorsWriter();
        long[] seed = {1};
        shapes.forEach((n, s) -> {
            SplittableRandom r = new SplittableRandom(seed[0]++);
            w.add(n, (start, dst, count) -> {
                for (int i = 0; i < count; i++) {
                    dst[i] = (float) (r.nextDouble() - 0.5) * 0.05f;
                }
            }, s.dimension() >= 2 ? DType.F8_E4M3 : DType.BF16, s.getShape());
        });
        w.write(file);
    }
}
