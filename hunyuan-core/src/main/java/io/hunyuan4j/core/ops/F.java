package io.hunyuan4j.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import org.jspecify.annotations.Nullable;

/**
 * The functional ops the models use, mirroring {@code torch.nn.functional}. This is the only code that knows
 * where DJL 0.35's PyTorch engine has gaps (no tanh-GELU, RMSNorm, GroupNorm, replicate padding or fused
 * attention; LayerNorm needs non-null affine tensors; bf16 arrays abort the JVM on several ops).
 *
 * <p>Every op takes the activation first, so its result belongs to the activation's manager, never to a
 * weight manager. Shapes: B batch, C channels, L/N tokens, H heads, D head dim, F/T frames.
 */
public final class F {

    /** Most negative float32, what transformers and torch's math SDPA add for a masked-out key. */
    public static final float MASK_MIN = -Float.MAX_VALUE;

    private F() {}

    /** {@code torch.nn.functional.linear}: {@code x @ w^T + b}, x [..., in], w [out, in], b [out]. */
    public static NDArray linear(NDArray x, NDArray w, @Nullable NDArray b) {
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    }

    /** {@code torch.nn.functional.layer_norm(x, [C], None, None, eps)}: over the last axis, no affine. */
    public static NDArray layerNorm(NDArray x, float eps) {
        NDArray mean = x.mean(new int[] {-1}, true);
        NDArray centered = x.sub(mean);
        NDArray var = centered.square().mean(new int[] {-1}, true);
        return centered.div(var.add(eps).sqrt());
    }

    /** {@code torch.nn.functional.layer_norm(x, [C], w, b, eps)} over the last axis. */
    public static NDArray layerNorm(NDArray x, NDArray w, @Nullable NDArray b, float eps) {
        NDArray y = layerNorm(x, eps).mul(w);
        return b == null ? y : y.add(b);
    }

    /**
     * {@code torch.nn.functional.rms_norm(x, [C], w, eps)}: {@code x * rsqrt(mean(x^2) + eps) * w}; statistics
     * in float32 as the reference's RMSNorm does.
     */
    public static NDArray rmsNorm(NDArray x, @Nullable NDArray w, float eps) {
        NDArray var = x.square().mean(new int[] {-1}, true);
        NDArray y = x.div(var.add(eps).sqrt());
        return w == null ? y : y.mul(w);
    }

    /**
     * {@code torch.nn.functional.group_norm(x, G, w, b, eps)} for x [B, C, *]: statistics per (batch, group)
     * over the group's channels and all remaining axes.
     */
    public static NDArray groupNorm(NDArray x, int groups, @Nullable NDArray w, @Nullable NDArray b, float eps) {
        Shape s = x.getShape();
        long batch = s.get(0);
        long c = s.get(1);
        if (c % groups != 0) {
            throw new IllegalArgumentException("group_norm: channels " + c + " not divisible by groups " + groups);
        }
        NDArray r = x.reshape(batch, groups, -1);
        NDArray mean = r.mean(new int[] {2}, true);
        NDArray centered = r.sub(mean);
        NDArray var = centered.square().mean(new int[] {2}, true);
        NDArray y = centered.div(var.add(eps).sqrt()).reshape(s);
        long[] affine = new long[s.dimension()];
        java.util.Arrays.fill(affine, 1);
        affine[1] = c;
        if (w != null) {
            y = y.mul(w.reshape(new Shape(affine)));
        }
        if (b != null) {
            y = y.add(b.reshape(new Shape(affine)));
        }
        return y;
    }

    /** {@code torch.nn.functional.gelu(x, approximate="tanh")}. */
    public static NDArray geluTanh(NDArray x) {
        // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        NDArray inner = x.add(x.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2.0 / Math.PI));
        return x.mul(inner.tanh().add(1f)).mul(0.5f);
    }

    /** {@code torch.nn.functional.gelu(x)} (exact, erf). */
    public static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    /** {@code torch.nn.functional.silu}: {@code x * sigmoid(x)}. */
    public static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /** transformers' {@code quick_gelu}: {@code x * sigmoid(1.702 x)} (CLIP). */
    public static NDArray quickGelu(NDArray x) {
        return x.mul(x.mul(1.702f).getNDArrayInternal().sigmoid());
    }

    /** {@code torch.softmax(x, axis)}, computed in float32. */
    public static NDArray softmax(NDArray x, int axis) {
        return x.toType(DataType.FLOAT32, false).softmax(axis);
    }

    /**
     * {@code torch.nn.functional.pad(x, pads, mode="replicate")}. {@code pads} is in torch order: last axis
     * first, (left, right) per axis.
     */
    public static NDArray padReplicate(NDArray x, long... pads) {
        if (pads.length % 2 != 0 || pads.length / 2 > x.getShape().dimension()) {
            throw new IllegalArgumentException("pads must be pairs for at most rank " + x.getShape().dimension());
        }
        NDArray y = x;
        int rank = x.getShape().dimension();
        for (int p = 0; p < pads.length / 2; p++) {
            int axis = rank - 1 - p;
            long before = pads[2 * p];
            long after = pads[2 * p + 1];
            if (before == 0 && after == 0) {
                continue;
            }
            long n = y.getShape().get(axis);
            NDList parts = new NDList();
            if (before > 0) {
                parts.add(y.get(index(rank, axis, 0, 1)).repeat(axis, before));
            }
            parts.add(y);
            if (after > 0) {
                parts.add(y.get(index(rank, axis, n - 1, n)).repeat(axis, after));
            }
            y = NDArrays.concat(parts, axis);
        }
        return y;
    }

    private static NDIndex index(int rank, int axis, long from, long to) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rank; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(i == axis ? from + ":" + to : ":");
        }
        return new NDIndex(sb.toString());
    }

    /**
     * {@code torch.nn.functional.conv3d} for x [B, C, T, H, W], w [O, C/groups, kT, kH, kW].
     *
     * @param stride (t, h, w)
     * @param padding (t, h, w) zero padding
     */
    public static NDArray conv3d(NDArray x, NDArray w, @Nullable NDArray b, Shape stride, Shape padding) {
        return x.getNDArrayInternal().convolution(x, w, b, stride, padding, new Shape(1, 1, 1), 1).singletonOrThrow();
    }

    /** {@code torch.nn.functional.interpolate(x, size, mode="nearest")} for x [B, C, T, H, W]. */
    public static NDArray interpolateNearest3d(NDArray x, long t, long h, long w) {
        return x.getNDArrayInternal().interpolation(new long[] {t, h, w}, 0, false);
    }

    /** {@code torch.nn.functional.embedding(ids, table)}: ids INT64 [*], table [V, C] -> [*, C]. */
    public static NDArray embedding(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * A BOOLEAN mask (true = attend) as an additive float32 mask (0 or {@link #MASK_MIN}); a float mask is
     * returned as float32.
     */
    public static NDArray additiveMask(NDArray mask) {
        if (mask.getDataType() == DataType.BOOLEAN) {
            return mask.logicalNot().toType(DataType.FLOAT32, false).mul(MASK_MIN);
        }
        return mask.toType(DataType.FLOAT32, false);
    }

    /**
     * Rotary embedding on adjacent pairs ({@code x[2k], x[2k+1]}), the HunyuanVideo DiT layout: cos/sin are
     * {@code repeat_interleave(2)} tables [N, D]; diffusers {@code apply_rotary_emb(use_real_unbind_dim=-1)}.
     *
     * @param x [B, H, N, D]
     */
    public static NDArray applyRotaryEmbInterleaved(NDArray x, NDArray cos, NDArray sin) {
        Shape s = x.getShape();
        NDArray pairs = x.reshape(s.get(0), s.get(1), s.get(2), s.get(3) / 2, 2);
        NDArray real = pairs.get("..., 0");
        NDArray imag = pairs.get("..., 1");
        // x_rotated = stack([-imag, real], -1).flatten(3)
        NDArray rotated = NDArrays.stack(new NDList(imag.neg(), real), -1).reshape(s);
        return x.mul(cos).add(rotated.mul(sin));
    }

    /**
     * Rotary embedding with the {@code rotate_half} layout (pairs {@code x[k], x[k + D/2]}), the Llama layout:
     * cos/sin are {@code cat(freqs, freqs)} tables broadcastable to x.
     */
    public static NDArray applyRotaryEmbHalf(NDArray x, NDArray cos, NDArray sin) {
        long d = x.getShape().get(-1);
        NDArray x1 = x.get("..., :{}", d / 2);
        NDArray x2 = x.get("..., {}:", d / 2);
        NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
        return x.mul(cos).add(rotated.mul(sin));
    }

    /** Whether any element is NaN (for input validation before heavy work). */
    public static boolean hasNaN(NDArray x) {
        return x.isNaN().any().getBoolean();
    }

    /**
     * The per-channel affine of {@code nn.GroupNorm} / {@code nn.BatchNorm}: {@code x * w[None, :, None, ...] +
     * b[None, :, None, ...]} for x [B, C, *], w and b [C]. The weights are never the left operand and are not
     * reshaped, so every result (and every view) lands in {@code x}'s manager and a capped weight manager stays
     * untouched. Runs as an inference-mode batch norm with mean 0, variance 1 and eps 0, which torch evaluates as
     * {@code x * w + b}.
     *
     * @param b the shift, or null for none
     */
    public static NDArray channelAffine(NDArray x, NDArray w, @Nullable NDArray b) {
        Shape c = new Shape(x.getShape().get(1));
        ai.djl.ndarray.NDManager m = x.getManager();
        NDArray runningMean = m.zeros(c, x.getDataType());
        NDArray runningVar = m.ones(c, x.getDataType());
        NDArray shift = b != null ? b : m.zeros(c, x.getDataType());
        // axis -1 is DJL's "torch default" (channels at dim 1); any other axis swaps and re-attaches the input
        return x.getNDArrayInternal().batchNorm(x, runningMean, runningVar, w, shift, -1, 0f, 0f, false)
                .singletonOrThrow();
    }
}
