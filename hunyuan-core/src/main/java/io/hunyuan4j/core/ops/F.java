package io.hunyuan4j.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The functional ops the models use, mirroring {@code torch.nn.functional}. This is the only code that knows
 * where DJL 0.35's PyTorch engine has gaps (no tanh-GELU, RMSNorm, GroupNorm, replicate padding or fused
 * attention; LayerNorm needs non-null affine tensors; bf16 arrays abort the JVM on several ops).
 *
 * <p>Where DJL has no op, F calls the SDK's TorchScript kernel library ({@link Kernels}) and falls back to a
 * composed DJL implementation with the same contract when the library or a method is unavailable (logged once).
 * docs/ops.md lists which path each op takes.
 *
 * <p>Every op takes the activation first, so its result belongs to the activation's manager, never to a
 * weight manager. Results are ordinary tensors: callers may modify them in place.
 *
 * <p><b>Dtypes.</b> Inputs may be float32 or bf16 (bf16 tensors come only from {@link #toBf16} and
 * {@link ComputeDtype#loader()}; DJL reports them as {@code DataType.UNKNOWN}). Unless a method says otherwise
 * the result has the activation's dtype; weights of another dtype are cast to the activation's (norms) or the
 * activation is cast to the weight's for the matmul and the result cast back ({@link #linear}, {@link #conv3d}).
 * Norm statistics are computed in float32 whatever the input dtype.
 *
 * <p>DJL's {@code split(long n, axis)} cuts parts of size n (torch.split semantics: size 5 by 2 gives 2, 2, 1),
 * not n parts; {@link #chunk} is torch.chunk.
 *
 * <p>Shapes: B batch, C channels, L/N tokens, H heads, D head dim, F/T frames.
 */
public final class F {

    /** Most negative float32, what transformers and torch's math SDPA add for a masked-out key. */
    public static final float MASK_MIN = -Float.MAX_VALUE;

    private F() {}

    /**
     * {@code torch.nn.functional.linear}: {@code x @ w^T + b}, x [..., in], w [out, in], b [out]. With w in
     * another dtype than x, the product is computed in w's dtype and returned in x's.
     */
    public static NDArray linear(NDArray x, NDArray w, @Nullable NDArray b) {
        boolean plain = !isBf16(x) && !isBf16(w) && x.getDataType() == w.getDataType()
                && (b == null || b.getDataType() == w.getDataType());
        if (plain) {
            return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
        }
        String method = b == null ? "linear_nobias" : "linear";
        return Kernels.dispatch(x, method,
                k -> b == null ? k.call(method, x, w) : k.call(method, x, w, b),
                () -> Composed.linear(x, w, b));
    }

    /** {@code torch.nn.functional.layer_norm(x, [C], None, None, eps)}: over the last axis, no affine. */
    public static NDArray layerNorm(NDArray x, float eps) {
        return Kernels.dispatch(x, "layer_norm", k -> k.call("layer_norm", x, eps), () -> Composed.layerNorm(x, eps));
    }

    /** {@code torch.nn.functional.layer_norm(x, [C], w, b, eps)} over the last axis. */
    public static NDArray layerNorm(NDArray x, NDArray w, @Nullable NDArray b, float eps) {
        if (b == null) {
            return Composed.castLike(layerNorm(x, eps).mul(w), x);
        }
        return Kernels.dispatch(x, "layer_norm_affine", k -> k.call("layer_norm_affine", x, w, b, eps),
                () -> Composed.layerNorm(x, w, b, eps));
    }

    /**
     * {@code torch.nn.functional.rms_norm(x, [C], w, eps)}: {@code x * rsqrt(mean(x^2) + eps) * w}; statistics
     * in float32 as the reference's RMSNorm does.
     */
    public static NDArray rmsNorm(NDArray x, @Nullable NDArray w, float eps) {
        if (w == null) {
            return Kernels.dispatch(x, "rms_norm_plain", k -> k.call("rms_norm_plain", x, eps),
                    () -> Composed.rmsNorm(x, null, eps));
        }
        return Kernels.dispatch(x, "rms_norm", k -> k.call("rms_norm", x, w, eps),
                () -> Composed.rmsNorm(x, w, eps));
    }

    /**
     * {@code torch.nn.functional.group_norm(x, G, w, b, eps)} for x [B, C, *]: statistics per (batch, group)
     * over the group's channels and all remaining axes.
     */
    public static NDArray groupNorm(NDArray x, int groups, @Nullable NDArray w, @Nullable NDArray b, float eps) {
        Shape s = x.getShape();
        if (s.dimension() < 2) {
            throw new IllegalArgumentException("group_norm: x must be [B, C, *] but has shape " + s);
        }
        long c = s.get(1);
        if (groups <= 0 || c % groups != 0) {
            throw new IllegalArgumentException("group_norm: channels " + c + " not divisible by groups " + groups);
        }
        if (w != null && b != null) {
            return Kernels.dispatch(x, "group_norm", k -> k.call("group_norm", x, groups, w, b, eps),
                    () -> Composed.groupNorm(x, groups, w, b, eps));
        }
        NDArray y = Kernels.dispatch(x, "group_norm_plain", k -> k.call("group_norm_plain", x, groups, eps),
                () -> Composed.groupNorm(x, groups, null, null, eps));
        if (w == null && b == null) {
            return y;
        }
        return Composed.castLike(Composed.channelAffine(y, w, b), x);
    }

    /** {@code torch.nn.functional.gelu(x, approximate="tanh")}. */
    public static NDArray geluTanh(NDArray x) {
        return Kernels.dispatch(x, "gelu_tanh", k -> k.call("gelu_tanh", x), () -> Composed.geluTanh(x));
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

    /** {@code torch.softmax(x, axis)}, computed in float32; the result is float32 for every input dtype. */
    public static NDArray softmax(NDArray x, int axis) {
        return Composed.softmax(x, axis);
    }

    /**
     * {@code torch.nn.functional.pad(x, pads, mode="replicate")}. {@code pads} is in torch order: last axis
     * first, (left, right) per axis; each at least 0.
     */
    public static NDArray padReplicate(NDArray x, long... pads) {
        int rank = x.getShape().dimension();
        if (pads.length % 2 != 0 || pads.length / 2 > rank) {
            throw new IllegalArgumentException("pads must be pairs for at most rank " + rank);
        }
        for (long p : pads) {
            if (p < 0) {
                throw new IllegalArgumentException("pads must be >= 0 but are " + java.util.Arrays.toString(pads));
            }
        }
        int padded = pads.length / 2;
        // torch's replicate mode pads the last 1, 2 or 3 axes of a tensor with 1 or 2 more leading axes
        boolean kernelShape = padded >= 1 && padded <= 3 && rank >= padded + 1 && rank <= padded + 2;
        if (!kernelShape || java.util.Arrays.stream(pads).allMatch(p -> p == 0)) {
            return Composed.padReplicate(x, pads);
        }
        return Kernels.dispatch(x, "pad_replicate", k -> k.call("pad_replicate", x, pads.clone()),
                () -> Composed.padReplicate(x, pads));
    }

    /**
     * {@code torch.nn.functional.conv3d} for x [B, C, T, H, W], w [O, C/groups, kT, kH, kW]. With w in another
     * dtype than x, the convolution runs in w's dtype and the result is returned in x's.
     *
     * <p>With bf16 weights the convolution runs in the kernel library ({@code conv3d}), never as libtorch's
     * bf16 convolution of the raw shapes, whose oneDNN kernels are unsafe for channel counts that are not a
     * multiple of 16 on some CPUs (docs/bf16-cpu.md). Two exact rewrites, the same on every CPU:
     * <ul>
     *   <li>non-overlapping patches (stride = kernel, no padding, more than one tap: the DiT patch embedding)
     *       are gathered by a reshape and multiplied as a bf16 {@code linear};</li>
     *   <li>any other convolution gets zero input channels (in x and w) and zero output channels (in w and b)
     *       up to the next multiple of 16; the extra outputs are sliced off. Convolutions whose channel
     *       counts are multiples of 16 already (the large VAE convolutions) run unchanged.</li>
     * </ul>
     *
     * <p>float32 convolutions run in the {@link Precision#configured()} mode (strict: no TF32 on GPUs).
     *
     * @param stride (t, h, w)
     * @param padding (t, h, w) zero padding
     */
    public static NDArray conv3d(NDArray x, NDArray w, @Nullable NDArray b, Shape stride, Shape padding) {
        if (isBf16(w)) {
            long[] s = stride.getShape();
            long[] p = padding.getShape();
            Kernels k = Kernels.require(x, "conv3d");
            return b == null ? k.call("conv3d_nobias", x, w, s, p) : k.call("conv3d", x, w, b, s, p);
        }
        return conv3d(x, w, b, stride, padding, Precision.configured());
    }

    /**
     * {@link #conv3d(NDArray, NDArray, NDArray, Shape, Shape)} with an explicit float32 {@link Precision}: float32
     * x, w and b run as the kernel library's {@code conv3d_f32} ({@code aten::_convolution} with
     * {@code allow_tf32 = precision.allowTf32()}), falling back to DJL's convolution (libtorch's defaults) when the
     * library is unavailable. Other dtypes ignore {@code precision}.
     */
    public static NDArray conv3d(NDArray x, NDArray w, @Nullable NDArray b, Shape stride, Shape padding,
            Precision precision) {
        if (isBf16(w)) {
            return conv3d(x, w, b, stride, padding);
        }
        if (allFloat32(x, w, b)) {
            return convFloat32("conv3d_f32", x, w, b, stride.getShape(), padding.getShape(), precision,
                    () -> conv3dFused(x, w, b, stride, padding));
        }
        return conv3dFused(x, w, b, stride, padding);
    }

    private static boolean allFloat32(NDArray x, NDArray w, @Nullable NDArray b) {
        return x.getDataType() == DataType.FLOAT32 && w.getDataType() == DataType.FLOAT32
                && (b == null || b.getDataType() == DataType.FLOAT32);
    }

    private static NDArray convFloat32(String method, NDArray x, NDArray w, @Nullable NDArray b, long[] stride,
            long[] padding, Precision precision, Supplier<NDArray> composed) {
        long tf32 = precision.allowTf32() ? 1 : 0;
        String name = b == null ? method + "_nobias" : method;
        return Kernels.dispatch(x, name,
                k -> b == null ? k.call(name, x, w, stride, padding, tf32)
                        : k.call(name, x, w, b, stride, padding, tf32),
                composed);
    }

    /**
     * libtorch's own convolution of the given shapes (DJL's {@code convolution}, oneDNN on CPU), x cast to w's
     * dtype and the result to x's: what {@link #conv3d} does for float32 weights, and for bf16 weights the path
     * it avoids. Kept for {@link Bf16Sweep}, which measures it.
     */
    static NDArray conv3dFused(NDArray x, NDArray w, @Nullable NDArray b, Shape stride, Shape padding) {
        NDArray xc = castToWeight(x, w);
        NDArray bc = b == null ? null : castToWeight(b, w);
        NDArray y = xc.getNDArrayInternal().convolution(xc, w, bc, stride, padding, new Shape(1, 1, 1), 1)
                .singletonOrThrow();
        return xc == x ? y : Composed.castLike(y, x);
    }

    /**
     * {@code torch.nn.functional.conv2d} for x [B, C, H, W], w [O, C, kH, kW] (one group, no dilation). With w in
     * another dtype than x, the convolution runs in w's dtype and the result is returned in x's.
     *
     * <p>With bf16 weights it runs as {@link #conv3d}'s kernel on a one-frame view ({@code conv2d} in the kernel
     * library: {@code unsqueeze(2)}, {@code conv3d}, {@code squeeze(2)}), so it gets the same channel padding to
     * whole 16-channel blocks (docs/bf16-cpu.md); a 2D convolution is a 3D one with a 1-tap frame axis, exactly.
     *
     * @param stride (h, w)
     * @param padding (h, w) zero padding
     */
    public static NDArray conv2d(NDArray x, NDArray w, @Nullable NDArray b, Shape stride, Shape padding) {
        if (x.getShape().dimension() != 4 || w.getShape().dimension() != 4) {
            throw new IllegalArgumentException("conv2d: x must be [B, C, H, W] and w [O, C, kH, kW] but are "
                    + x.getShape() + " and " + w.getShape());
        }
        if (isBf16(w)) {
            long[] s = {1, stride.get(0), stride.get(1)};
            long[] p = {0, padding.get(0), padding.get(1)};
            Kernels k = Kernels.require(x, "conv2d");
            return b == null ? k.call("conv2d_nobias", x, w, s, p) : k.call("conv2d", x, w, b, s, p);
        }
        return conv2d(x, w, b, stride, padding, Precision.configured());
    }

    /**
     * {@link #conv2d(NDArray, NDArray, NDArray, Shape, Shape)} with an explicit float32 {@link Precision}, as
     * {@link #conv3d(NDArray, NDArray, NDArray, Shape, Shape, Precision)} ({@code conv2d_f32} in the kernel
     * library). Other dtypes ignore {@code precision}.
     */
    public static NDArray conv2d(NDArray x, NDArray w, @Nullable NDArray b, Shape stride, Shape padding,
            Precision precision) {
        if (isBf16(w) || x.getShape().dimension() != 4 || w.getShape().dimension() != 4) {
            return conv2d(x, w, b, stride, padding);
        }
        if (allFloat32(x, w, b)) {
            return convFloat32("conv2d_f32", x, w, b, stride.getShape(), padding.getShape(), precision,
                    () -> conv2dFused(x, w, b, stride, padding));
        }
        return conv2dFused(x, w, b, stride, padding);
    }

    /**
     * libtorch's own 2D convolution of the given shapes (DJL's {@code convolution}), x cast to w's dtype and the
     * result to x's: what {@link #conv2d} falls back to for float32 weights without the kernel library. Kept for {@link Bf16Sweep}, which measures
     * libtorch's bf16 2D convolution with it.
     */
    static NDArray conv2dFused(NDArray x, NDArray w, @Nullable NDArray b, Shape stride, Shape padding) {
        NDArray xc = castToWeight(x, w);
        NDArray bc = b == null ? null : castToWeight(b, w);
        NDArray y = xc.getNDArrayInternal().convolution(xc, w, bc, stride, padding, new Shape(1, 1), 1)
                .singletonOrThrow();
        return xc == x ? y : Composed.castLike(y, x);
    }

    private static NDArray castToWeight(NDArray x, NDArray w) {
        if (isBf16(x) == isBf16(w) && (isBf16(x) || x.getDataType() == w.getDataType())) {
            return x;
        }
        return Composed.castLike(x, w);
    }

    /** {@code torch.nn.functional.interpolate(x, size, mode="nearest")} for x [B, C, T, H, W]. */
    public static NDArray interpolateNearest3d(NDArray x, long t, long h, long w) {
        if (x.getShape().dimension() != 5) {
            throw new IllegalArgumentException("interpolate nearest 3d: x must be [B, C, T, H, W] but has shape "
                    + x.getShape());
        }
        return Kernels.dispatch(x, "upsample_nearest3d",
                k -> k.call("upsample_nearest3d", x, new long[] {t, h, w}),
                () -> Composed.interpolateNearest3d(x, t, h, w));
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
     * {@code repeat_interleave(2)} tables [N, D]; diffusers {@code apply_rotary_emb(use_real_unbind_dim=-1)},
     * which computes in float32 and returns x's dtype.
     *
     * @param x [B, H, N, D]
     */
    public static NDArray applyRotaryEmbInterleaved(NDArray x, NDArray cos, NDArray sin) {
        // the ops of Composed.inFloat32, each temporary freed once used: x is a whole video's q or k, and the
        // float32 copies left for the caller's scope peaked at about six times x's size (2.6 GB at CogVideoX-5B
        // 480x720x49 on the CFG batch)
        NDArray xf = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        Shape s = xf.getShape();
        NDArray pairs = xf.reshape(s.get(0), s.get(1), s.get(2), s.get(3) / 2, 2);
        NDArray real = pairs.get("..., 0");
        NDArray imag = pairs.get("..., 1");
        // x_rotated = stack([-imag, real], -1).flatten(3)
        NDArray neg = imag.neg();
        NDArray stacked = NDArrays.stack(new NDList(neg, real), -1);
        closeAll(neg, real, imag, pairs);
        NDArray rotated = stacked.reshape(s);
        NDArray sinPart = rotated.mul(sin);
        closeAll(rotated, stacked);
        NDArray cosPart = xf.mul(cos);
        if (xf != x) {
            xf.close();
        }
        NDArray sum = cosPart.add(sinPart);
        closeAll(cosPart, sinPart);
        NDArray out = Composed.castLike(sum, x);
        if (out != sum) {
            sum.close();
        }
        return out;
    }

    private static void closeAll(NDArray... arrays) {
        for (NDArray a : arrays) {
            a.close();
        }
    }

    /**
     * Rotary embedding with the {@code rotate_half} layout (pairs {@code x[k], x[k + D/2]}), the Llama layout:
     * cos/sin are {@code cat(freqs, freqs)} tables broadcastable to x. Computed in float32, returned in x's dtype.
     */
    public static NDArray applyRotaryEmbHalf(NDArray x, NDArray cos, NDArray sin) {
        return Composed.inFloat32(x, xf -> {
            long d = xf.getShape().get(xf.getShape().dimension() - 1); // Shape.get takes no negative index
            NDArray x1 = xf.get("..., :{}", d / 2);
            NDArray x2 = xf.get("..., {}:", d / 2);
            NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
            return xf.mul(cos).add(rotated.mul(sin));
        });
    }

    /** Whether any element is NaN (for input validation before heavy work). */
    public static boolean hasNaN(NDArray x) {
        return x.isNaN().any().getBoolean();
    }

    /**
     * {@code torch.chunk(x, chunks, axis)} for an axis divisible by {@code chunks}: equal parts in order. (DJL's
     * {@code split(long, int)} is not this: see the class notes.)
     */
    public static NDList chunk(NDArray x, int chunks, int axis) {
        long n = x.getShape().get(axis < 0 ? x.getShape().dimension() + axis : axis);
        if (chunks <= 0 || n % chunks != 0) {
            throw new IllegalArgumentException("chunk: axis size " + n + " not divisible into " + chunks + " chunks");
        }
        long size = n / chunks;
        long[] at = new long[chunks - 1];
        for (int i = 0; i < at.length; i++) {
            at[i] = size * (i + 1);
        }
        return chunks == 1 ? new NDList(x) : x.split(at, axis);
    }

    // ---- added by the ops layer (issue 3) ----

    /**
     * {@code torch.nn.functional.scaled_dot_product_attention(q, k, v, mask)} through
     * {@link AttentionBackends#defaultBackend()} (fused when the kernel library is loaded, else chunked).
     *
     * @param q [B, H, Lq, D]
     * @param k [B, H, Lk, D]
     * @param v [B, H, Lk, D]
     * @param mask null, BOOLEAN (true = attend) or additive float, broadcastable to [B, H, Lq, Lk]
     * @return [B, H, Lq, D] in q's dtype
     */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, @Nullable NDArray mask) {
        return AttentionBackends.defaultBackend().attention(q, k, v, mask);
    }

    /** As {@link #attention(NDArray, NDArray, NDArray, NDArray)}, with {@code is_causal} (query i sees keys {@code j <= i}). */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, @Nullable NDArray mask, boolean causal) {
        return AttentionBackends.defaultBackend().attention(q, k, v, mask, causal);
    }

    /** {@code torch.softmax(x, axis, dtype=torch.float32).to(x.dtype)}: float32 arithmetic, x's dtype out. */
    public static NDArray softmaxSameDtype(NDArray x, int axis) {
        return Kernels.dispatch(x, "softmax", k -> k.call("softmax", x, axis),
                () -> Composed.castLike(Composed.softmax(x, axis), x));
    }

    /** Whether x holds bfloat16 (DJL reports such arrays as {@code DataType.UNKNOWN}; only the SDK makes them). */
    public static boolean isBf16(NDArray x) {
        return Kernels.isBf16(x);
    }

    /**
     * {@code x.to(torch.bfloat16)}: x itself if already bf16.
     *
     * @throws UnsupportedOperationException if the kernel library is unavailable (bf16 has no composed path)
     */
    public static NDArray toBf16(NDArray x) {
        return Kernels.toBf16(x);
    }

    /** {@code x.to(torch.float32)}: x itself if already float32. */
    public static NDArray toFloat32(NDArray x) {
        return x.toType(DataType.FLOAT32, false);
    }

    /** x in the compute dtype: {@link #toFloat32} or {@link #toBf16}. */
    public static NDArray toCompute(NDArray x, ComputeDtype dtype) {
        return dtype == ComputeDtype.BF16 ? toBf16(x) : toFloat32(x);
    }

    /** {@code torch.zeros_like(x)}, safe for bf16 (DJL's {@code zerosLike} aborts the JVM on bf16). */
    public static NDArray zerosLike(NDArray x) {
        if (!isBf16(x)) {
            return x.zerosLike();
        }
        return Kernels.require(x, "zeros_like").call("zeros_like", x);
    }

    /** {@code torch.ones_like(x)}, safe for bf16 (DJL's {@code onesLike} aborts the JVM on bf16). */
    public static NDArray onesLike(NDArray x) {
        if (!isBf16(x)) {
            return x.onesLike();
        }
        return Kernels.require(x, "ones_like").call("ones_like", x);
    }

    // ---- added for the models' bf16 path ----

    /**
     * {@code x.to(like.dtype)}: x in {@code like}'s dtype (bf16 through the kernel library), x itself when the
     * dtypes already agree. The reference's {@code .to(dtype=other.dtype)} pattern, safe for bf16 (DJL reports
     * bf16 as {@code UNKNOWN}, so {@code x.toType(like.getDataType())} would abort the JVM).
     */
    public static NDArray castLike(NDArray x, NDArray like) {
        return Composed.castLike(x, like);
    }
}
