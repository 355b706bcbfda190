package io.hunyuan4j.core.ops;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * Scaled dot-product attention, the extension point for fused kernels. Mirrors
 * {@code torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask)} with dropout 0 and scale
 * {@code 1/sqrt(D)}.
 *
 * <p>B = batch, H = heads, Lq/Lk = query/key length, D = head dim.
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

    /** A short name for logs and provenance. */
    String name();
}
