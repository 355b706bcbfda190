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
     * {@link FusedAttention} when the kernel library loads on the engine's default device, else
     * {@link ChunkedAttention}. Both are exact; the fused one is about 2-3x faster on CPU and also keeps memory
     * O(L) per head for long sequences (torch's CPU flash kernel).
     */
    public static AttentionBackend defaultBackend() {
        Device device;
        try {
            device = Engine.getEngine("PyTorch").defaultDevice();
        } catch (RuntimeException e) {
            return new ChunkedAttention();
        }
        return Kernels.available(device) ? new FusedAttention() : new ChunkedAttention();
    }

    /**
     * By name: {@code fused}, {@code chunked} or {@code default}.
     *
     * @throws IllegalArgumentException for another name, listing the valid ones
     */
    public static AttentionBackend byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "fused" -> new FusedAttention();
            case "chunked" -> new ChunkedAttention();
            case "default" -> defaultBackend();
            default -> throw new IllegalArgumentException("attention backend must be fused, chunked or default"
                    + " but is '" + name + "'");
        };
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
