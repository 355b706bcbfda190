package io.hunyuan4j.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
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
 * [B, H, chunk, Lk] float32 (chunk set by the score budget), so memory stays O(Lq x chunk). Where all heads at once
 * would leave blocks under {@link #GROUP_BELOW_ROWS} rows (many heads times long keys: CogVideoX-5B's 96 heads on the
 * CFG batch, HunyuanVideo at 720p), the call runs per batch item and group of heads instead, so the two products
 * keep their efficient shapes. Float32 inputs, causal attention, or a missing kernel library go to
 * {@link FusedAttention}.
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
        this.scoreBytes = AttentionBackends.requireScoreBytes(scoreBytes);
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "bf16-chunked";
    }

    /**
     * Query rows a block keeps at least where it can, by running fewer heads per call: at a few rows per block the
     * matrix products run at a fraction of their rate (measured at 96 heads x 17,776 keys: 4-row blocks, 3.7x
     * slower than the fused kernel).
     */
    static final long TARGET_ROWS = 128;

    /**
     * All heads go in one call while their blocks keep at least this many rows (or all query rows); below it the
     * heads are grouped for {@link #TARGET_ROWS}. The shapes measured in docs/performance.md (8 heads x 8448
     * tokens: 123-row blocks) stay in one call.
     */
    static final long GROUP_BELOW_ROWS = 64;

    /** Query rows per block for these shapes, all heads in one call. */
    long chunk(Shape q, Shape k) {
        return AttentionBackends.queryRows(q.get(2), q.get(0) * q.get(1) * k.get(2), scoreBytes);
    }

    /**
     * Heads per call: all of them, or, where that leaves blocks under {@link #GROUP_BELOW_ROWS} rows, as many as keep
     * {@link #TARGET_ROWS}-row blocks (at least one).
     */
    long headGroup(Shape q, Shape k) {
        if (chunk(q, k) >= Math.min(q.get(2), GROUP_BELOW_ROWS)) {
            return q.get(1);
        }
        return Math.max(1, Math.min(q.get(1), scoreBytes / (k.get(2) * 4 * TARGET_ROWS)));
    }

    /** Query rows per block the call will use, heads grouped as {@link #headGroup} says. */
    long blockRows(Shape q, Shape k) {
        long g = headGroup(q, k);
        if (g == q.get(1)) {
            return chunk(q, k);
        }
        return Math.max(1, Math.min(q.get(2), scoreBytes / (g * k.get(2) * 4)));
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
            @Nullable NDArray m4 = null;
            if (mask != null) {
                NDArray additive = F.additiveMask(mask);
                if (additive != mask) {
                    additive.attach(scope);
                }
                m4 = AttentionBackends.rank4(additive); // the kernel slices its query axis
                if (m4 != additive) {
                    m4.attach(scope);
                }
            }
            long g = headGroup(q.getShape(), k.getShape());
            NDArray out = g == q.getShape().get(1) ? call(kern, method, q, kk, vv, m4, scale, chunk)
                    : grouped(kern, method, q, kk, vv, m4, scale, g, scope);
            out.attach(q.getManager());
            return out;
        }
    }

    private static NDArray call(Kernels kern, String method, NDArray q, NDArray k, NDArray v, @Nullable NDArray m4,
            float scale, long chunk) {
        return m4 == null ? kern.call(method, q, k, v, scale, chunk) : kern.call(method, q, k, v, m4, scale, chunk);
    }

    /** One kernel call per batch item and group of {@code g} heads; the parts are joined back to [B, H, Lq, D]. */
    private NDArray grouped(Kernels kern, String method, NDArray q, NDArray k, NDArray v, @Nullable NDArray m4,
            float scale, long g, NDManager scope) {
        long batch = q.getShape().get(0);
        long heads = q.getShape().get(1);
        NDList rows = new NDList();
        for (long b = 0; b < batch; b++) {
            NDList parts = new NDList();
            for (long h0 = 0; h0 < heads; h0 += g) {
                long h1 = Math.min(heads, h0 + g);
                NDIndex idx = new NDIndex("{}:{}, {}:{}", b, b + 1, h0, h1);
                NDArray qg = q.get(idx);
                NDArray kg = k.get(idx);
                NDArray vg = v.get(idx);
                qg.attach(scope);
                kg.attach(scope);
                vg.attach(scope);
                @Nullable NDArray mg = null;
                if (m4 != null) {
                    mg = m4.get(maskIndex(m4.getShape(), b, h0, h1));
                    mg.attach(scope);
                }
                NDArray part = call(kern, method, qg, kg, vg, mg, scale, chunk(qg.getShape(), kg.getShape()));
                part.attach(scope);
                parts.add(part);
            }
            NDArray row = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
            row.attach(scope);
            rows.add(row);
        }
        return rows.size() == 1 ? rows.get(0) : NDArrays.concat(rows, 0);
    }

    /** The slice of a rank-4 mask for batch item {@code b} and heads {@code h0..h1}, broadcast axes kept whole. */
    private static NDIndex maskIndex(Shape m, long b, long h0, long h1) {
        long mb = m.get(0) == 1 ? 0 : b;
        return m.get(1) == 1 ? new NDIndex("{}:{}, 0:1", mb, mb + 1) : new NDIndex("{}:{}, {}:{}", mb, mb + 1, h0, h1);
    }

    private static NDArray bf16(NDArray x, NDManager scope) {
        if (Kernels.isBf16(x)) {
            return x;
        }
        NDArray b = F.toBf16(x);
        b.attach(scope);
        return b;
    }
}
