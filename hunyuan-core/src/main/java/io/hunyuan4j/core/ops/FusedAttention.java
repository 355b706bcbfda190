package io.hunyuan4j.core.ops;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * Attention through libtorch's fused {@code scaled_dot_product_attention}, called from the SDK's TorchScript
 * kernel library. On CPU libtorch uses its flash-attention kernel (float32 accumulation), which never
 * materialises the [Lq, Lk] score matrix, with or without a mask (measured: ChunkedAttentionMemoryTest). Boolean masks are passed as they are; float masks are cast to q's
 * dtype (clamped to the bf16 range for bf16 q); causal attention with a mask is combined inside the kernel
 * (torch rejects {@code attn_mask} together with {@code is_causal=True}).
 *
 * <p>Where the kernel library or its SDPA methods are unavailable, falls back to {@link ChunkedAttention}
 * (logged once by {@link Kernels}).
 *
 * @see <a href="https://pytorch.org/docs/2.7/generated/torch.nn.functional.scaled_dot_product_attention.html">
 *     torch scaled_dot_product_attention</a>
 */
public final class FusedAttention implements AttentionBackend {

    private final ChunkedAttention fallback = new ChunkedAttention();

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "fused";
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
        String method = mask == null ? (causal ? "sdpa_causal" : "sdpa") : (causal ? "sdpa_mask_causal" : "sdpa_mask");
        NDArray kk = sameDtype(k, q);
        NDArray vv = sameDtype(v, q);
        try {
            return Kernels.dispatch(q, method,
                    kern -> mask == null ? kern.call(method, q, kk, vv) : kern.call(method, q, kk, vv, mask),
                    () -> fallback.attention(q, k, v, mask, causal));
        } finally {
            closeIfNew(kk, k);
            closeIfNew(vv, v);
        }
    }

    /** torch's SDPA wants q, k and v in one dtype: k and v follow q. */
    private static NDArray sameDtype(NDArray x, NDArray q) {
        boolean same = Kernels.isBf16(x) == Kernels.isBf16(q) && x.getDataType() == q.getDataType();
        return same ? x : Composed.castLike(x, q);
    }

    private static void closeIfNew(NDArray derived, NDArray original) {
        if (derived != original) {
            derived.close();
        }
    }
}
