package io.hunyuan4j.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.jspecify.annotations.Nullable;

/**
 * Exact attention composed from DJL ops, one block of queries at a time, so the score matrix held at once is
 * [B, H, chunk, Lk] and peak memory grows as O(Lq x chunk), never O(Lq x Lk) for long sequences.
 *
 * <p>Scores and softmax are computed in float32 whatever the input dtype: DJL's softmax aborts on bf16.
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
        if (scoreBytes < 4) {
            throw new IllegalArgumentException("scoreBytes must be >= 4 but is " + scoreBytes);
        }
        this.scoreBytes = scoreBytes;
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "chunked";
    }

    /** {@inheritDoc} */
    @Override
    public NDArray attention(NDArray q, NDArray k, NDArray v, @Nullable NDArray mask) {
        long b = q.getShape().get(0);
        long h = q.getShape().get(1);
        long lq = q.getShape().get(2);
        long d = q.getShape().get(3);
        long lk = k.getShape().get(2);
        long perRow = Math.max(1, b * h * lk * 4);
        long chunk = Math.max(1, Math.min(lq, scoreBytes / perRow));
        DataType outType = q.getDataType();
        float scale = (float) (1.0 / Math.sqrt(d));
        NDManager out = q.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDArray kt = k.toType(DataType.FLOAT32, false).transpose(0, 1, 3, 2);
            NDArray vf = v.toType(DataType.FLOAT32, false);
            kt.attach(scope);
            vf.attach(scope);
            NDArray additive = mask == null ? null : F.additiveMask(mask);
            if (additive != null) {
                additive.attach(scope);
            }
            NDList parts = new NDList();
            for (long s = 0; s < lq; s += chunk) {
                long e = Math.min(lq, s + chunk);
                try (NDManager step = scope.newSubManager()) {
                    NDArray qc = q.get(new NDIndex(":, :, {}:{}", s, e)).toType(DataType.FLOAT32, false);
                    qc.attach(step);
                    NDArray scores = qc.mul(scale).matMul(kt);
                    if (additive != null) {
                        NDArray m = additive.getShape().get(2) == 1 ? additive
                                : additive.get(new NDIndex(":, :, {}:{}", s, e));
                        scores = scores.add(m);
                    }
                    NDArray o = scores.softmax(-1).matMul(vf);
                    o.attach(scope);
                    parts.add(o);
                }
            }
            NDArray result = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 2);
            NDArray typed = result.getDataType() == outType || outType == DataType.UNKNOWN
                    ? result : result.toType(outType, false);
            typed.attach(out);
            return typed;
        }
    }
}
