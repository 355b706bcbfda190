package io.hunyuan4j.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.transformer.TransformerConfig;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.RandomWeights;
import io.hunyuan4j.core.weights.StateDict;
import java.util.Locale;
import java.util.Map;

/**
 * Measures the activation memory of one DiT block kind as the implementation really holds it: the growth of
 * the process's peak RSS during the first forward of a model with a single dual-stream block, or a single
 * single-stream block, in units of one token stream [S, D] in the compute dtype. The memory planner's
 * per-block activation model ({@code MemoryPlanner}) is checked against these figures (docs/memory.md).
 *
 * <p>Run one kind per JVM (a freed allocation may stay in the process, so only a first forward is clean):
 * {@code --kind dual|single [--heads 8] [--head-dim 128] [--frames 8] [--height 64] [--width 64]
 * [--text-len 256] [--dtype fp32|bf16]}.
 */
public final class BlockMemoryProbe {

    private BlockMemoryProbe() {}

    /** The largest "Total Allocated" of the profiler's memory events (bytes live in the CPU allocator). */
    static long peakAllocated(java.nio.file.Path trace) throws java.io.IOException {
        long peak = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"Total Allocated\":\\s*(-?\\d+)")
                .matcher(java.nio.file.Files.readString(trace));
        while (m.find()) {
            peak = Math.max(peak, Long.parseLong(m.group(1)));
        }
        return peak;
    }

    /**
     * Runs one probe and prints its measurement.
     *
     * @param args the options of the class notes
     * @throws java.io.IOException if a measurement file cannot be read
     */
    public static void main(String[] args) throws java.io.IOException {
        Map<String, String> a = TransformerBenchmark.parse(args);
        String kind = a.getOrDefault("kind", "dual");
        int heads = Integer.parseInt(a.getOrDefault("heads", "8"));
        int headDim = Integer.parseInt(a.getOrDefault("head-dim", "128"));
        long frames = Long.parseLong(a.getOrDefault("frames", "8"));
        long height = Long.parseLong(a.getOrDefault("height", "64"));
        long width = Long.parseLong(a.getOrDefault("width", "64"));
        int textLen = Integer.parseInt(a.getOrDefault("text-len", "256"));
        ComputeDtype dtype = ComputeDtype.parse(a.getOrDefault("dtype", "fp32"));
        boolean dual = kind.equals("dual");
        if (!dual && !kind.equals("single")) {
            throw new IllegalArgumentException("--kind must be dual or single but is " + kind);
        }
        // a small text_embed_dim keeps the refiner out of the picture: only the block's activations are measured
        TransformerConfig c = new TransformerConfig(16, 16, heads, headDim, dual ? 1 : 0, dual ? 0 : 1, 1, 4.0f, 2, 1,
                TransformerConfig.RMS_NORM, true, 64, 64, 256f, TransformerBenchmark.ropeAxes(headDim));
        long n = frames * (height / 2) * (width / 2);
        long s = n + textLen;
        long e = dtype == ComputeDtype.BF16 ? 2 : 4;
        double stream = (double) s * c.innerDim() * e;
        try (NDManager weights = NDManager.newBaseManager(); NDManager calls = NDManager.newBaseManager()) {
            Map<String, Shape> shapes = HunyuanVideoTransformer3D.expectedShapes(c);
            StateDict w = StateDict.load(new RandomWeights(shapes, 0), weights, LoadMode.EAGER, dtype.loader(),
                    "random");
            HunyuanVideoTransformer3D model = new HunyuanVideoTransformer3D(c, w, AttentionBackends.defaultBackend(), dtype);
            DenoiserInput in = TransformerBenchmark.inputs(calls, c, frames, height, width, textLen);
            long before = TransformerBenchmark.vm("VmRSS");
            if (!TransformerBenchmark.resetPeak()) {
                throw new IllegalStateException("cannot reset VmHWM (/proc/self/clear_refs)");
            }
            java.nio.file.Path trace = java.nio.file.Files.createTempFile("hunyuan-probe", ".json");
            // the engine's own allocator accounting: exact live tensor bytes, unlike RSS (malloc keeps freed memory)
            ai.djl.pytorch.jni.JniUtils.startProfile(false, false, true);
            try (NDArray v = model.forward(in)) {
                v.getFloat(0, 0, 0, 0, 0);
            }
            ai.djl.pytorch.jni.JniUtils.stopProfile(trace.toString());
            long growthKiB = TransformerBenchmark.vm("VmHWM") - before;
            long peakLive = peakAllocated(trace);
            if (System.getProperty("probe.keepTrace") != null) {
                System.out.println("trace: " + trace);
            } else {
                java.nio.file.Files.deleteIfExists(trace);
            }
            System.out.printf(Locale.ROOT, "%s block: engine peak of live tensor bytes during the forward %.1f MiB"
                    + " = %.2f streams%n", kind, peakLive / 1048576.0, peakLive / stream);
            System.out.printf(Locale.ROOT, "%s block, %s, D=%d, S=%d tokens (%d video + %d text): stream %.1f MiB,"
                    + " peak RSS growth %.1f MiB = %.2f streams%n", kind, dtype, c.innerDim(), s, n, textLen,
                    stream / (1 << 20), growthKiB / 1024.0, growthKiB * 1024.0 / stream);
            model.close();
        }
    }
}
