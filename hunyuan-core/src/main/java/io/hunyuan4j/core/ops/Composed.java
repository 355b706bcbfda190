package io.hunyuan4j.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The composed-DJL implementations behind {@link F}: used when the kernel library or one of its methods is
 * unavailable, and by the tests as the second, independent path. Same contracts as the F methods.
 *
 * <p>Statistics are computed in float32 for every input dtype; the result has x's dtype. bf16 inputs are
 * widened with {@code toType(FLOAT32)} (which DJL handles for bf16) and narrowed back through the kernel
 * library, which must then exist, since only it creates bf16 tensors.
 */
final class Composed {

    private Composed() {}

    /** {@code f(x as float32)}, returned in x's dtype. */
    static NDArray inFloat32(NDArray x, UnaryOperator<NDArray> f) {
        if (x.getDataType() == DataType.FLOAT32) {
            return f.apply(x);
        }
        return castLike(f.apply(x.toType(DataType.FLOAT32, false)), x);
    }

    /** y in the dtype of {@code like} (bf16 through the kernel library). */
    static NDArray castLike(NDArray y, NDArray like) {
        if (Kernels.isBf16(like)) {
            return Kernels.toBf16(y);
        }
        if (Kernels.isBf16(y)) {
            return y.toType(like.getDataType(), false);
        }
        return y.getDataType() == like.getDataType() ? y : y.toType(like.getDataType(), false);
    }

    static NDArray linear(NDArray x, NDArray w, @Nullable NDArray b) {
        return inFloat32(x, xf -> {
            // widened weights land in the weights' manager: close them at once
            NDArray wf = w.toType(DataType.FLOAT32, false);
            NDArray bf = b == null ? null : b.toType(DataType.FLOAT32, false);
            try {
                return xf.getNDArrayInternal().linear(xf, wf, bf).singletonOrThrow();
            } finally {
                if (wf != w) {
                    wf.close();
                }
                if (bf != null && bf != b) {
                    bf.close();
                }
            }
        });
    }

    static NDArray layerNorm(NDArray x, float eps) {
        return inFloat32(x, xf -> {
            NDArray mean = xf.mean(new int[] {-1}, true);
            NDArray centered = xf.sub(mean);
            NDArray var = centered.square().mean(new int[] {-1}, true);
            return centered.div(var.add(eps).sqrt());
        });
    }

    static NDArray layerNorm(NDArray x, NDArray w, @Nullable NDArray b, float eps) {
        return inFloat32(x, xf -> {
            // activation on the left: bf16 weights promote to float32 and nothing lands in their manager
            NDArray y = layerNorm(xf, eps).mul(w);
            return b == null ? y : y.add(b);
        });
    }

    static NDArray rmsNorm(NDArray x, @Nullable NDArray w, float eps) {
        return inFloat32(x, xf -> {
            NDArray var = xf.square().mean(new int[] {-1}, true);
            NDArray y = xf.div(var.add(eps).sqrt());
            return w == null ? y : y.mul(w);
        });
    }

    static NDArray groupNorm(NDArray x, int groups, @Nullable NDArray w, @Nullable NDArray b, float eps) {
        return inFloat32(x, xf -> {
            Shape s = xf.getShape();
            NDArray r = xf.reshape(s.get(0), groups, -1);
            NDArray mean = r.mean(new int[] {2}, true);
            NDArray centered = r.sub(mean);
            NDArray var = centered.square().mean(new int[] {2}, true);
            NDArray y = centered.div(var.add(eps).sqrt()).reshape(s);
            return channelAffine(y, w, b);
        });
    }

    /**
     * {@code y * w[None, :, None, ...] + b[None, :, None, ...]} for y [B, C, ...], computed with the channel axis
     * moved last so the weights broadcast as they are: reshaping a weight would create an array in the weight's
     * (capped) manager.
     */
    static NDArray channelAffine(NDArray y, @Nullable NDArray w, @Nullable NDArray b) {
        if (w == null && b == null) {
            return y;
        }
        int rank = y.getShape().dimension();
        int[] toLast = new int[rank];
        int[] back = new int[rank];
        toLast[0] = 0;
        for (int i = 1; i < rank - 1; i++) {
            toLast[i] = i + 1;
        }
        toLast[rank - 1] = 1;
        for (int i = 0; i < rank; i++) {
            back[toLast[i]] = i;
        }
        NDArray t = y.transpose(toLast);
        if (w != null) {
            t = t.mul(w);
        }
        if (b != null) {
            t = t.add(b);
        }
        return t.transpose(back);
    }

    static NDArray geluTanh(NDArray x) {
        return inFloat32(x, xf -> {
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            NDArray inner = xf.add(xf.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2.0 / Math.PI));
            return xf.mul(inner.tanh().add(1f)).mul(0.5f);
        });
    }

    /** {@code softmax(x.float(), axis)}: float32 result. */
    static NDArray softmax(NDArray x, int axis) {
        return x.toType(DataType.FLOAT32, false).softmax(axis);
    }

    static NDArray padReplicate(NDArray x, long... pads) {
        return inFloat32(x, xf -> {
            NDArray y = xf;
            int rank = xf.getShape().dimension();
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
        });
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

    static NDArray interpolateNearest3d(NDArray x, long t, long h, long w) {
        return x.getNDArrayInternal().interpolation(new long[] {t, h, w}, 0, false);
    }
}
