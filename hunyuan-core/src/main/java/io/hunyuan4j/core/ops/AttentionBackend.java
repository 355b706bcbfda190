package io.hunyuan4j.core.ops;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * Scaled dot-product attention, the extension point for fused kernels. Mirrors
 * {@code torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask, is_causal=...)} with dropout 0 and
 * scale {@code 1/sqrt(D)}.
 *
 * <p>B = batch, H = heads, Lq/Lk = query/key length, D = head dim. The result has q's dtype (float32 or bf16);
 * scores and softmax are accumulated in float32 at least. A query row with no key it may attend to has no
 * defined value (torch gives NaN; implementations may differ there).
 *
 * @see AttentionBackends
 */
public interface AttentionBackend {

    /**
     * Computes attention.
     *
     * @param q queries [B, H, Lq, D]
     * @param k keys [B, H, Lk, D]
     * @param v values [B, H, Lk, D]
     * @param mask null, a BOOLEAN mask (true = may attend) or a float additive mask, broadcastable to
     *     [B, H, Lq, Lk]
     * @return [B, H, Lq, D], attached to {@code q}'s manager
     */
    NDArray attention(NDArray q, NDArray k, NDArray v, @Nullable NDArray mask);

    /**
     * Computes attention, optionally causal: query i attends to keys {@code j <= i} (torch's {@code is_causal=True},
     * top-left aligned), combined with {@code mask} when both are given. The default builds the causal mask
     * explicitly ([Lq, Lk] booleans) and calls {@link #attention(NDArray, NDArray, NDArray, NDArray)}.
     */
    default NDArray attention(NDArray q, NDArray k, NDArray v, @Nullable NDArray mask, boolean causal) {
        if (!causal) {
            return attention(q, k, v, mask);
        }
        NDArray causalMask = AttentionBackends.causalMask(q, k.getShape().get(2));
        if (mask == null) {
            return attention(q, k, v, causalMask);
        }
        NDArray combined = mask.getDataType() == ai.djl.ndarray.types.DataType.BOOLEAN
                ? causalMask.logicalAnd(mask)
                : F.additiveMask(causalMask).add(mask);
        return attention(q, k, v, combined);
    }

    /** A short name for logs and provenance. */
    String name();
}
