package io.hunyuan4j.core.ops;

import static io.hunyuan4j.core.ops.Ref.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Chunked (and fused) attention at N = 32768 tokens (2 heads, head dim 16: the full score matrix would be 8 GiB) keeps the
 * process's peak resident memory under 1 GiB above its level before the call. Measured from the process: the
 * kernel's peak-RSS counter (VmHWM, reset through /proc/self/clear_refs) and a 2 ms VmRSS sampler.
 */
class ChunkedAttentionMemoryTest {

    static final int N = 32768;
    static final int H = 2;
    static final int D = 16;
    static final int VALID = N - 1000;
    static final long GIB = 1L << 30;

    @Test
    void peakMemoryStaysUnderOneGibAt32kTokens() throws Exception {
        long growth = measure(new ChunkedAttention(), 64L << 20);
        assertTrue(growth < GIB, "chunked growth " + (growth >> 20) + " MiB");
    }

    /** The fused kernel (torch's CPU flash attention) is O(N) as well; measured the same way. */
    @Test
    void fusedAttentionStaysUnderOneGibAt32kTokens() throws Exception {
        long growth = measure(new FusedAttention(), 0);
        assertTrue(growth < GIB, "fused growth " + (growth >> 20) + " MiB");
    }

    /** Runs one attention call with a key-padding mask, checks rows, returns the peak RSS growth in bytes. */
    private static long measure(AttentionBackend backend, long minGrowth) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Random r = new Random(5);
            NDArray q = randn(m, r, 1, H, N, D);
            NDArray k = randn(m, r, 1, H, N, D);
            NDArray v = randn(m, r, 1, H, N, D);
            boolean[] keep = new boolean[N];
            for (int j = 0; j < VALID; j++) {
                keep[j] = true;
            }
            NDArray mask = m.create(keep, new Shape(1, 1, 1, N));
            System.gc();
            long before = status("VmRSS");
            boolean reset = resetPeak();
            AtomicLong sampled = new AtomicLong(before);
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    sampled.accumulateAndGet(status("VmRSS"), Math::max);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            NDArray out;
            try {
                out = backend.attention(q, k, v, mask);
            } finally {
                sampler.interrupt();
                sampler.join();
            }
            long peak = reset ? status("VmHWM") : sampled.get();
            long growth = Math.max(peak, sampled.get()) - before;
            String report = String.format("%s N=%d H=%d D=%d: RSS before %d MiB, peak %d MiB (%s), sampled peak %d"
                    + " MiB, growth %d MiB; a materialised score matrix would be %d MiB", backend.name(), N, H, D,
                    before >> 20, peak >> 20, reset ? "VmHWM after clear_refs" : "sampler only", sampled.get() >> 20,
                    growth >> 20, (long) H * N * N * 4 >> 20);
            System.getLogger("ChunkedAttentionMemoryTest").log(System.Logger.Level.INFO, report);
            assertTrue(growth >= minGrowth, "the measurement must see the chunk buffers at all: " + report);
            assertEquals(new Shape(1, H, N, D), out.getShape());
            checkRows(q, k, v, out, new int[] {0, 12345, N - 1});
            return growth;
        }
    }

    /** A few output rows against a direct double-precision computation. */
    private static void checkRows(NDArray q, NDArray k, NDArray v, NDArray out, int[] rows) {
        float[] ks = k.toFloatArray();
        float[] vs = v.toFloatArray();
        for (int h = 0; h < H; h++) {
            for (int i : rows) {
                float[] qi = q.get(0, h, i).toFloatArray();
                float[] got = out.get(0, h, i).toFloatArray();
                double[] s = new double[VALID];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < VALID; j++) {
                    double dot = 0;
                    for (int c = 0; c < D; c++) {
                        dot += (double) qi[c] * ks[(h * N + j) * D + c];
                    }
                    s[j] = dot / Math.sqrt(D);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < VALID; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int c = 0; c < D; c++) {
                    double acc = 0;
                    for (int j = 0; j < VALID; j++) {
                        acc += s[j] * vs[(h * N + j) * D + c];
                    }
                    assertEquals(acc / sum, got[c], 1e-5, "head " + h + " row " + i + " channel " + c);
                }
            }
        }
    }

    /** Resets VmHWM to the current RSS (Linux: "5" resets the peak resident set size). */
    private static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A /proc/self/status field in bytes. */
    private static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("/proc/self/status has no " + field);
    }
}
