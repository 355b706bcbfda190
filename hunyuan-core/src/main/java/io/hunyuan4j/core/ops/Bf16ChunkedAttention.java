package io.hunyuan4j.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.jspecify.annotations.Nullable;

/**
 * Exact attention for bf16 inputs on CPU, faster there than libtorch's flash kernel: one block of queries at a
 * time, {@code Q K^T} and {@code P V} run as bf16 matrix products (oneDNN, the fast path of this CPU) while the
 * scaling, masking and softmax run in float32. One call of the kernel library's {@code attn_bf16_chunked} loops
 * over the query blocks, so Java adds no per-block overhead. The probabilities are rounded to bf16 before
 * {@code P V}, so the result is within bf16 rounding of the fused one.
 *
 * <p>B = batch, H = heads, Lq/Lk = query/key length, D = head dim. The score block held at once is
 * [B, H, chunk, Lk] float32 (chunk set by the score budget), so memory stays O(Lq x chunk). Float32 inputs, causal
 * attention, or a missing kernel library go to {@link FusedAttention}.
 */
public final class Bf16ChunkedAttention implements AttentionBackend {

    /** Default bytes of float32 scores per query block: small enough to stay in the last-level cache's reach. */
    public static final long DEFAULT_SCORE_BYTES = 32L << 20;

    private final long scoreBytes;
    private final FusedAttention fallback = new FusedAttention();

    /** With the default score budget. */
    public Bf16ChunkedAttention() {
        this(DEFAULT_SCORE_BYTES);
    }

    /**
     * @param scoreBytes bytes of float32 scores allowed per query block; sets the block length
     * @throws IllegalArgumentException if below 4
     */
    public Bf16ChunkedAttention(long scoreBytes) {
        if (scoreBytes < 4) {
            throw new IllegalArgumentException("scoreBytes must be >= 4 but is " + scoreBytes);
        }
        this.scoreBytes = scoreBytes;
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "bf16-chunked";
    }

    /** Query rows per block for these shapes. */
    long chunk(Shape q, Shape k) {
        long perRow = Math.max(1, q.get(0) * q.get(1) * k.get(2) * 4);
        return Math.max(1, Math.min(q.get(2), scoreBytes / perRow));
    }

    /** {@inheritDoc} */
    @Override
    public NDArray attention(NDArray q, NDArray k, NDArray v, @Nullable NDArray mask) {
        return attention(q, k, v, mask, false);
    }

    /** {@inheritDoc} */
    @Override
    public NDArray attention(NDArray q, NDArray k, NDArray v, @Nullable NDArray mask, boolean causal) {
        AttentionBackends.requireShapes(q, k, v, mask);
        String method = mask == null ? "attn_bf16_chunked" : "attn_bf16_chunked_mask";
        Kernels kern = Kernels.on(q);
        if (causal || !Kernels.isBf16(q) || kern == null || !kern.has(method)) {
            return fallback.attention(q, k, v, mask, causal);
        }
        long chunk = chunk(q.getShape(), k.getShape());
        float scale = (float) (1.0 / Math.sqrt(q.getShape().get(3)));
        try (NDManager scope = q.getManager().newSubManager()) {
            NDArray kk = bf16(k, scope);
            NDArray vv = bf16(v, scope);
            NDArray out;
            if (mask == null) {
                out = kern.call(method, q, kk, vv, scale, chunk);
            } else {
                NDArray additive = F.additiveMask(mask);
                if (additive != mask) {
                    additive.attach(scope);
                }
                NDArray m4 = rank4(additive);
                out = kern.call(method, q, kk, vv, m4, scale, chunk);
            }
            out.attach(q.getManager());
            return out;
        }
    }

    private static NDArray bf16(NDArray x, NDManager scope) {
        if (Kernels.isBf16(x)) {
            return x;
        }
        NDArray b = F.toBf16(x);
        b.attach(scope);
        return b;
    }

    /** Prepends axes of size 1 so the mask is rank 4 (the kernel slices its query axis). */
    private static NDArray rank4(NDArray m) {
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
}
