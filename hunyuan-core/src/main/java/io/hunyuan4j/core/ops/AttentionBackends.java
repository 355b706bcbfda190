package io.hunyuan4j.core.ops;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The attention implementations and the default choice. */
public final class AttentionBackends {

    private AttentionBackends() {}

    /**
     * Keys from which {@link Bf16ChunkedAttention} beats the fused flash kernel on bf16 inputs (CPU); measured by
     * {@code AttentionBenchmark} (docs/performance.md, "bf16 attention").
     */
    public static final long BF16_CHUNKED_MIN_KEYS = 4096;

    /**
     * {@link #auto()} when the kernel library loads on the engine's default device, else
     * {@link ChunkedAttention}. All are exact (bf16 within bf16 rounding); the fused one is about 2-3x faster than
     * the chunked one on CPU and also keeps memory O(L) per head for long sequences (torch's CPU flash kernel).
     */
    public static AttentionBackend defaultBackend() {
        Device device;
        try {
            device = Engine.getEngine("PyTorch").defaultDevice();
        } catch (RuntimeException e) {
            return new ChunkedAttention();
        }
        return Kernels.available(device) ? auto() : new ChunkedAttention();
    }

    /**
     * Chooses per call from the measured rule ({@link #choose}): bf16 inputs with at least
     * {@link #BF16_CHUNKED_MIN_KEYS} keys, query blocks of at least {@link #BF16_CHUNKED_MIN_ROWS} rows and no
     * causal mask go to {@link Bf16ChunkedAttention}, everything else to {@link FusedAttention}.
     */
    public static AttentionBackend auto() {
        return new Auto();
    }

    /**
     * Query rows per block (at the default score budget, heads grouped as {@link Bf16ChunkedAttention} groups
     * them) below which {@link #auto()} keeps the fused kernel even for long bf16 sequences: at a few rows per
     * block the chunked products stop paying (measured with AttentionBenchmark at 96 heads x 64, CogVideoX-5B's
     * CFG batch, all heads in one call: flash 1.4x faster at 4096 keys with 21-row blocks, 3.7x at 8192 keys).
     * With grouping one head alone keeps 64 rows up to 131,072 keys.
     */
    public static final long BF16_CHUNKED_MIN_ROWS = 64;

    /** The backend {@link #auto()} uses for a call with bf16 (or not) inputs and {@code keys} keys. */
    static AttentionBackend choose(boolean bf16, long keys) {
        return bf16 && keys >= BF16_CHUNKED_MIN_KEYS ? Auto.BF16_CHUNKED : Auto.FUSED;
    }

    /**
     * {@link #choose(boolean, Shape, Shape)} on the CPU; elsewhere always the fused kernel: the chunked kernels
     * block for CPU caches, while a GPU's SDPA picks flash or memory-efficient kernels of its own (on an H100 the
     * chunked path held a CogVideoX-5B step at about 66 TFLOP/s).
     */
    static AttentionBackend choose(Device device, boolean bf16, Shape q, Shape k) {
        return device.getDeviceType().equals(Device.Type.CPU) ? choose(bf16, q, k) : Auto.FUSED;
    }

    /** {@link #choose(boolean, long)}, also keeping the fused kernel where the query blocks would be too short. */
    static AttentionBackend choose(boolean bf16, Shape q, Shape k) {
        AttentionBackend b = choose(bf16, k.get(2));
        return b == Auto.BF16_CHUNKED && Auto.BF16_CHUNKED.blockRows(q, k) < BF16_CHUNKED_MIN_ROWS ? Auto.FUSED : b;
    }

    /**
     * By name: {@code fused}, {@code chunked}, {@code bf16-chunked}, {@code auto} or {@code default}.
     *
     * @throws IllegalArgumentException for another name, listing the valid ones
     */
    public static AttentionBackend byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "fused" -> new FusedAttention();
            case "chunked" -> new ChunkedAttention();
            case "bf16-chunked" -> new Bf16ChunkedAttention();
            case "auto" -> auto();
            case "default" -> defaultBackend();
            default -> throw new IllegalArgumentException("attention backend must be fused, chunked, bf16-chunked,"
                    + " auto or default but is '" + name + "'");
        };
    }

    /** The per-shape choice. */
    private static final class Auto implements AttentionBackend {
        static final AttentionBackend FUSED = new FusedAttention();
        static final Bf16ChunkedAttention BF16_CHUNKED = new Bf16ChunkedAttention();

        @Override
        public String name() {
            return "auto";
        }

        @Override
        public NDArray attention(NDArray q, NDArray k, NDArray v, @Nullable NDArray mask) {
            return attention(q, k, v, mask, false);
        }

        @Override
        public NDArray attention(NDArray q, NDArray k, NDArray v, @Nullable NDArray mask, boolean causal) {
            AttentionBackend b = causal ? FUSED : choose(q.getDevice(), Kernels.isBf16(q), q.getShape(), k.getShape());
            return b.attention(q, k, v, mask, causal);
        }
    }

    /**
     * Validates shapes before any work.
     *
     * @throws IllegalArgumentException naming the tensor, its shape and the rule
     */
    static void requireShapes(NDArray q, NDArray k, NDArray v, @Nullable NDArray mask) {
        Shape qs = q.getShape();
        Shape ks = k.getShape();
        Shape vs = v.getShape();
        if (qs.dimension() != 4 || ks.dimension() != 4 || vs.dimension() != 4) {
            throw new IllegalArgumentException("attention: q, k, v must be [B, H, L, D] but are " + qs + ", " + ks
                    + ", " + vs);
        }
        if (qs.get(0) != ks.get(0) || qs.get(1) != ks.get(1) || qs.get(3) != ks.get(3)) {
            throw new IllegalArgumentException("attention: k " + ks + " must match q " + qs + " in B, H and D");
        }
        if (!vs.equals(ks)) {
            throw new IllegalArgumentException("attention: v " + vs + " must have k's shape " + ks);
        }
        if (mask != null) {
            Shape ms = mask.getShape();
            long[] full = {qs.get(0), qs.get(1), qs.get(2), ks.get(2)};
            boolean ok = ms.dimension() <= 4;
            for (int i = 0; ok && i < ms.dimension(); i++) {
                long m = ms.get(ms.dimension() - 1 - i);
                long f = full[3 - i];
                ok = m == 1 || m == f;
            }
            if (!ok) {
                throw new IllegalArgumentException("attention: mask " + ms + " is not broadcastable to [B, H, Lq, Lk] = "
                        + new Shape(full));
            }
            if (mask.getDataType() != DataType.BOOLEAN && !mask.getDataType().isFloating()
                    && !Kernels.isBf16(mask)) {
                throw new IllegalArgumentException("attention: mask must be BOOLEAN or floating but is "
                        + mask.getDataType());
            }
        }
    }

    /**
     * The score budget of the query-chunked backends.
     *
     * @return {@code scoreBytes}
     * @throws IllegalArgumentException if below 4 (one float32 score)
     */
    static long requireScoreBytes(long scoreBytes) {
        if (scoreBytes < 4) {
            throw new IllegalArgumentException("scoreBytes must be >= 4 but is " + scoreBytes);
        }
        return scoreBytes;
    }

    /**
     * Query rows per block whose float32 scores fit {@code scoreBytes}: at least 1, at most {@code lq}.
     *
     * @param scoresPerRow the scores one query row adds to a block (B x H x Lk)
     */
    static long queryRows(long lq, long scoresPerRow, long scoreBytes) {
        long perRow = Math.max(1, scoresPerRow * 4);
        return Math.max(1, Math.min(lq, scoreBytes / perRow));
    }

    /** Prepends axes of size 1 so the mask is rank 4. */
    static NDArray rank4(NDArray m) {
        Shape s = m.getShape();
        if (s.dimension() == 4) {
            return m;
        }
        long[] dims = new long[4];
        java.util.Arrays.fill(dims, 1);
        for (int i = 0; i < s.dimension(); i++) {
            dims[4 - s.dimension() + i] = s.get(i);
        }
        return m.reshape(dims);
    }

    /** [Lq, Lk] BOOLEAN, true where key j <= query i, in q's manager. */
    static NDArray causalMask(NDArray q, long lk) {
        long lq = q.getShape().get(2);
        NDManager m = q.getManager();
        NDArray i = m.arange(0L, lq, 1L, DataType.INT64).reshape(lq, 1);
        NDArray j = m.arange(0L, lk, 1L, DataType.INT64).reshape(1, lk);
        NDArray allowed = j.lte(i);
        i.close();
        j.close();
        return allowed;
    }
}
