package io.hunyuan4j.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.jspecify.annotations.Nullable;

/**
 * Exact attention composed from DJL ops, one block of queries at a time, so the score matrix held at once is
 * [B, H, chunk, Lk] and peak memory grows as O(Lq x chunk), never O(Lq x Lk) for long sequences.
 *
 * <p>Scores and softmax are computed in float32 whatever the input dtype: DJL's softmax aborts on bf16. The
 * result has q's dtype. Per chunk, two score-sized float32 buffers are alive at once (the scores, masked in
 * place, and their softmax), so the peak is about {@code 2 x scoreBytes} plus the inputs and output.
 *
 * @see <a href="https://pytorch.org/docs/2.7/generated/torch.nn.functional.scaled_dot_product_attention.html">
 *     torch scaled_dot_product_attention</a>
 */
public final class ChunkedAttention implements AttentionBackend {

    /** Default bytes of scores held at once. */
    public static final long DEFAULT_SCORE_BYTES = 256L << 20;

    private final long scoreBytes;

    /** With the default score budget. */
    public ChunkedAttention() {
        this(DEFAULT_SCORE_BYTES);
    }

    /**
     * @param scoreBytes bytes of float32 scores allowed per chunk; sets the chunk length
     */
    public ChunkedAttention(long scoreBytes) {
        this.scoreBytes = AttentionBackends.requireScoreBytes(scoreBytes);
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "chunked";
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
        long b = q.getShape().get(0);
        long h = q.getShape().get(1);
        long lq = q.getShape().get(2);
        long d = q.getShape().get(3);
        long lk = k.getShape().get(2);
        long chunk = AttentionBackends.queryRows(lq, b * h * lk, scoreBytes);
        float scale = (float) (1.0 / Math.sqrt(d));
        NDManager out = q.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDArray kf = k.toType(DataType.FLOAT32, false);
            NDArray kt = kf.transpose(0, 1, 3, 2);                                   // [B, H, D, Lk]
            NDArray vf = v.toType(DataType.FLOAT32, false);
            kt.attach(scope);
            attachIfNew(kf, k, scope);
            attachIfNew(vf, v, scope);
            NDArray additive = null;
            if (mask != null) {
                NDArray f = F.additiveMask(mask);
                additive = AttentionBackends.rank4(f);                                                  // [b|1, h|1, Lq|1, Lk|1]
                attachIfNew(f, mask, scope);
                if (additive != f) {
                    attachIfNew(additive, mask, scope);
                }
            }
            NDArray keyIndex = causal ? scope.arange(0L, lk, 1L, DataType.INT64).reshape(1, lk) : null;
            NDList parts = new NDList();
            for (long s = 0; s < lq; s += chunk) {
                long e = Math.min(lq, s + chunk);
                try (NDManager step = scope.newSubManager()) {
                    NDArray qv = q.get(new NDIndex(":, :, {}:{}", s, e));
                    qv.attach(step);
                    NDArray qc = qv.toType(DataType.FLOAT32, false);
                    qc.attach(step);
                    NDArray scores = qc.mul(scale).matMul(kt);                      // [B, H, c, Lk]
                    if (additive != null) {
                        NDArray m = additive.getShape().get(2) == 1 ? additive
                                : additive.get(new NDIndex(":, :, {}:{}", s, e));
                        scores.addi(m);
                    }
                    if (keyIndex != null) {
                        NDArray queryIndex = step.arange(s, e, 1L, DataType.INT64).reshape(e - s, 1);
                        NDArray future = keyIndex.gt(queryIndex);                    // [c, Lk]: j > i
                        scores.addi(future.toType(DataType.FLOAT32, false).mul(F.MASK_MIN));
                    }
                    NDArray o = scores.softmax(-1).matMul(vf);                      // [B, H, c, D]
                    o.attach(scope);
                    parts.add(o);
                }
            }
            NDArray result = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 2);
            NDArray typed = Composed.castLike(result, q);
            typed.attach(out);
            return typed;
        }
    }

    /** Moves a temporary derived from a caller's array into the scope; never the caller's array itself. */
    private static void attachIfNew(NDArray derived, NDArray original, NDManager scope) {
        if (derived != original) {
            derived.attach(scope);
        }
    }
}
