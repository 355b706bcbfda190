package io.hunyuan4j.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.HalfFloats;
import io.hunyuan4j.core.weights.SafetensorsFile;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Safetensors load throughput: writes a BF16 file of DiT-sized tensors (3072x3072, 3072x12288, 12288x3072 and
 * biases), then loads every tensor widened to a float32 NDArray and closes it, best of N passes, with the file
 * in the page cache. Reports bf16 bytes read per second and float32 bytes produced per second (GB = 1e9 B).
 *
 * <pre>
 * mvn -q -o -pl hunyuan-examples -am compile
 * mvn -q -o -pl hunyuan-examples exec:java -Dexec.mainClass=io.hunyuan4j.examples.bench.SafetensorsLoadBenchmark \
 *     -Dexec.args="--size-mib 1024 --passes 5"
 * </pre>
 *
 * Options: {@code --size-mib N} (file size, default 1024), {@code --passes N} (default 5), {@code --dir D}
 * (where to write, default a temporary folder, deleted afterwards), {@code --keep} (keep the file),
 * {@code --threads N} (threads filling one tensor; sets {@code hunyuan.weights.loadThreads}),
 * {@code --no-huge-pages} (sets {@code hunyuan.weights.hugePages=false}, to measure the 4 KiB-page cost).
 */
public final class SafetensorsLoadBenchmark {

    /** DiT projection shapes: attention (3072x3072), MLP up (12288x3072) and down (3072x12288), a bias. */
    private static final long[][] SHAPES = {{3072, 3072}, {12288, 3072}, {3072, 12288}, {3072}};

    private SafetensorsLoadBenchmark() {}

    /**
     * Writes the file, loads it N times and prints the throughput.
     *
     * @param args {@code [--size-mib N] [--passes N]}
     * @throws IOException if the temporary file cannot be written or read
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        long sizeMib = 1024;
        int passes = 5;
        Path dir = null;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size-mib" -> sizeMib = Long.parseLong(args[++i]);
                case "--passes" -> passes = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--keep" -> keep = true;
                case "--threads" -> System.setProperty("hunyuan.weights.loadThreads", args[++i]);
                case "--no-huge-pages" -> System.setProperty("hunyuan.weights.hugePages", "false");
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --size-mib N --passes N --dir D --keep --threads N --no-huge-pages");
            }
        }
        if (sizeMib < 1 || passes < 1) {
            throw new IllegalArgumentException("--size-mib and --passes must be positive");
        }
        Path folder = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("st-bench");
        Path file = folder.resolve("bench-bf16.safetensors");
        try {
            run(file, sizeMib << 20, passes, System.out);
        } finally {
            if (!keep) {
                Files.deleteIfExists(file);
                if (dir == null) {
                    Files.deleteIfExists(folder);
                }
            }
        }
    }

    static void run(Path file, long bytes, int passes, PrintStream out) {
        List<String> names = new ArrayList<>();
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        long remaining = bytes;
        for (int i = 0; remaining >= 2; i++) {
            long[] shape = SHAPES[i % SHAPES.length];
            long elems = shape.length == 1 ? shape[0] : shape[0] * shape[1];
            if (elems * 2 > remaining) {
                shape = new long[] {remaining / 2};
                elems = shape[0];
            }
            String name = "blocks." + i / SHAPES.length + ".p" + i % SHAPES.length;
            w.add(name, SafetensorsLoadBenchmark::values, DType.BF16, shape);
            names.add(name);
            remaining -= elems * 2;
        }
        long t0 = System.nanoTime();
        w.write(file);
        out.printf("wrote %s: %d tensors, %.1f MiB bf16 in %.2f s%n", file, names.size(),
                w.totalBytes() / 1048576.0, (System.nanoTime() - t0) / 1e9);

        out.printf("cores %d, load threads %s, huge pages %s, THP_MEM_ALLOC_ENABLE=%s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("hunyuan.weights.loadThreads", "default"),
                System.getProperty("hunyuan.weights.hugePages", "true"), System.getenv("THP_MEM_ALLOC_ENABLE"));
        long bf16Bytes = w.totalBytes();
        double best = Double.MAX_VALUE;
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager root = NDManager.newBaseManager()) {
            for (int p = 0; p < passes; p++) {
                long start = System.nanoTime();
                for (String name : names) {
                    try (NDArray a = f.load(name, root, DataType.FLOAT32)) {
                        check(a, name);
                    }
                }
                double s = (System.nanoTime() - start) / 1e9;
                best = Math.min(best, s);
                out.printf("pass %d: %.3f s  %.2f GB/s bf16 read, %.2f GB/s float32 produced%n", p + 1, s,
                        bf16Bytes / s / 1e9, 2 * bf16Bytes / s / 1e9);
            }
        }
        out.printf("best of %d: %.3f s  %.2f GB/s bf16 read, %.2f GB/s float32 produced (goal >= 2 GB/s)%n",
                passes, best, bf16Bytes / best / 1e9, 2 * bf16Bytes / best / 1e9);
    }

    /** Cheap deterministic values, exact in bf16, so each load can be checked. */
    private static void values(long start, float[] dst, int count) {
        for (int i = 0; i < count; i++) {
            dst[i] = value(start + i);
        }
    }

    private static float value(long index) {
        return ((index * 2654435761L) & 0xFF) / 64f - 2f;
    }

    private static void check(NDArray a, String name) {
        float first = a.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN).getFloat(0);
        if (first != HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(value(0)))) {
            throw new IllegalStateException(name + ": first value " + first + " != " + value(0));
        }
    }
}
