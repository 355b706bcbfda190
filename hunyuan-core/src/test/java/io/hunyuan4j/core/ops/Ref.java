package io.hunyuan4j.core.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/** Naive float/double loops: the independent references the op tests compare with. */
final class Ref {

    private Ref() {}

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    static NDArray randn(NDManager m, Random r, long... shape) {
        Shape s = new Shape(shape);
        return m.create(random(r, (int) s.size()), s);
    }

    static float[] floats(NDArray x) {
        return x.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** max|got - ref| / max|ref|. */
    static double relErr(float[] got, float[] ref) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < ref.length; i++) {
            diff = Math.max(diff, Math.abs((double) got[i] - ref[i]));
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    static void assertClose(float[] ref, NDArray got, double tol, String what) {
        assertArrayEquals(new long[] {ref.length}, new long[] {got.size()}, what + ": element count");
        double e = relErr(floats(got), ref);
        assertTrue(e <= tol, what + ": max_rel_err " + e + " > " + tol);
    }

    /** Over the last axis of length c. */
    static float[] rmsNorm(float[] x, int c, float[] w, float eps) {
        float[] y = new float[x.length];
        for (int r = 0; r < x.length / c; r++) {
            double ss = 0;
            for (int i = 0; i < c; i++) {
                ss += (double) x[r * c + i] * x[r * c + i];
            }
            double inv = 1 / Math.sqrt(ss / c + eps);
            for (int i = 0; i < c; i++) {
                y[r * c + i] = (float) (x[r * c + i] * inv * (w == null ? 1 : w[i]));
            }
        }
        return y;
    }

    static float[] layerNorm(float[] x, int c, float[] w, float[] b, float eps) {
        float[] y = new float[x.length];
        for (int r = 0; r < x.length / c; r++) {
            double mean = 0;
            for (int i = 0; i < c; i++) {
                mean += x[r * c + i];
            }
            mean /= c;
            double var = 0;
            for (int i = 0; i < c; i++) {
                var += (x[r * c + i] - mean) * (x[r * c + i] - mean);
            }
            double inv = 1 / Math.sqrt(var / c + eps);
            for (int i = 0; i < c; i++) {
                double v = (x[r * c + i] - mean) * inv;
                y[r * c + i] = (float) (v * (w == null ? 1 : w[i]) + (b == null ? 0 : b[i]));
            }
        }
        return y;
    }

    /** x [B, C, S] flattened, groups over C. */
    static float[] groupNorm(float[] x, int batch, int c, int groups, float[] w, float[] b, float eps) {
        int spatial = x.length / (batch * c);
        int per = c / groups * spatial;
        float[] y = new float[x.length];
        for (int n = 0; n < batch; n++) {
            for (int g = 0; g < groups; g++) {
                int off = (n * c + g * (c / groups)) * spatial;
                double mean = 0;
                for (int i = 0; i < per; i++) {
                    mean += x[off + i];
                }
                mean /= per;
                double var = 0;
                for (int i = 0; i < per; i++) {
                    var += (x[off + i] - mean) * (x[off + i] - mean);
                }
                double inv = 1 / Math.sqrt(var / per + eps);
                for (int i = 0; i < per; i++) {
                    int ch = g * (c / groups) + i / spatial;
                    double v = (x[off + i] - mean) * inv;
                    y[off + i] = (float) (v * (w == null ? 1 : w[ch]) + (b == null ? 0 : b[ch]));
                }
            }
        }
        return y;
    }

    static float[] geluTanh(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            y[i] = (float) (0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
        }
        return y;
    }

    /** x [..., in] (rows), w [out, in], b [out]. */
    static float[] linear(float[] x, int in, float[] w, float[] b) {
        int out = w.length / in;
        int rows = x.length / in;
        float[] y = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    s += (double) x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = (float) s;
            }
        }
        return y;
    }

    static float[] softmaxLast(float[] x, int c) {
        float[] y = new float[x.length];
        for (int r = 0; r < x.length / c; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < c; i++) {
                max = Math.max(max, x[r * c + i]);
            }
            double sum = 0;
            for (int i = 0; i < c; i++) {
                sum += Math.exp(x[r * c + i] - max);
            }
            for (int i = 0; i < c; i++) {
                y[r * c + i] = (float) (Math.exp(x[r * c + i] - max) / sum);
            }
        }
        return y;
    }

    /**
     * Attention over flattened [B, H, L, D] arrays.
     *
     * @param allowed [B][Lq][Lk] key permission (null = all), per batch, shared by heads
     * @param bias additive [B][Lq][Lk] (null = none)
     */
    static float[] attention(float[] q, float[] k, float[] v, int b, int h, int lq, int lk, int d,
            boolean[][][] allowed, float[][][] bias, boolean causal) {
        float[] out = new float[b * h * lq * d];
        double scale = 1 / Math.sqrt(d);
        double[] s = new double[lk];
        for (int n = 0; n < b; n++) {
            for (int hh = 0; hh < h; hh++) {
                int qb = (n * h + hh) * lq * d;
                int kb = (n * h + hh) * lk * d;
                for (int i = 0; i < lq; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < lk; j++) {
                        boolean ok = (allowed == null || allowed[n][i][j]) && (!causal || j <= i);
                        if (!ok) {
                            s[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += (double) q[qb + i * d + c] * k[kb + j * d + c];
                        }
                        s[j] = dot * scale + (bias == null ? 0 : bias[n][i][j]);
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < lk; j++) {
                        s[j] = s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int c = 0; c < d; c++) {
                        double acc = 0;
                        for (int j = 0; j < lk; j++) {
                            acc += s[j] * v[kb + j * d + c];
                        }
                        out[qb + i * d + c] = (float) (acc / sum);
                    }
                }
            }
        }
        return out;
    }

    /** Round-to-nearest-even float32 to bf16, widened back: what torch's .to(bfloat16) gives. */
    static float roundBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int lsb = (bits >>> 16) & 1;
        bits += 0x7FFF + lsb;
        return Float.intBitsToFloat(bits & 0xFFFF0000);
    }
}
