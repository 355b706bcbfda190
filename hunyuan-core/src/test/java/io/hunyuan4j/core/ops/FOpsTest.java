package io.hunyuan4j.core.ops;

import static io.hunyuan4j.core.ops.Ref.assertClose;
import static io.hunyuan4j.core.ops.Ref.floats;
import static io.hunyuan4j.core.ops.Ref.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every F op against a naive Java loop and against the composed DJL path (float32). */
class FOpsTest {

    static final double F32 = 2e-6;

    NDManager m;
    Random r;

    @BeforeAll
    static void kernelsLoad() {
        assertTrue(Kernels.available(Device.cpu()), Kernels.status(Device.cpu()));
    }

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
        r = new Random(7);
    }

    @AfterEach
    void close() {
        m.close();
        // every kernel call above really ran the kernel: none fell back to the composed path
        assertEquals(java.util.Set.of(), Kernels.forDevice(ai.djl.Device.cpu()).failedMethods());
    }

    @Test
    void rmsNormWithAndWithoutWeight() {
        NDArray x = randn(m, r, 2, 3, 37);
        NDArray w = randn(m, r, 37);
        float[] ref = Ref.rmsNorm(floats(x), 37, floats(w), 1e-6f);
        assertClose(ref, F.rmsNorm(x, w, 1e-6f), F32, "rms_norm");
        assertClose(ref, Composed.rmsNorm(x, w, 1e-6f), F32, "composed rms_norm");
        assertClose(Ref.rmsNorm(floats(x), 37, null, 1e-5f), F.rmsNorm(x, null, 1e-5f), F32, "rms_norm plain");
        assertEquals(x.getShape(), F.rmsNorm(x, w, 1e-6f).getShape());
    }

    @Test
    void layerNormVariants() {
        NDArray x = randn(m, r, 3, 5, 19);
        NDArray w = randn(m, r, 19);
        NDArray b = randn(m, r, 19);
        float[] xs = floats(x);
        assertClose(Ref.layerNorm(xs, 19, null, null, 1e-6f), F.layerNorm(x, 1e-6f), F32, "layer_norm");
        assertClose(Ref.layerNorm(xs, 19, null, null, 1e-6f), Composed.layerNorm(x, 1e-6f), F32, "composed");
        assertClose(Ref.layerNorm(xs, 19, floats(w), floats(b), 1e-5f), F.layerNorm(x, w, b, 1e-5f), F32, "affine");
        assertClose(Ref.layerNorm(xs, 19, floats(w), null, 1e-5f), F.layerNorm(x, w, null, 1e-5f), F32, "w only");
    }

    @Test
    void groupNormVariants() {
        NDArray x = randn(m, r, 2, 12, 3, 5, 7);
        NDArray w = randn(m, r, 12);
        NDArray b = randn(m, r, 12);
        float[] xs = floats(x);
        float[] ref = Ref.groupNorm(xs, 2, 12, 4, floats(w), floats(b), 1e-6f);
        assertClose(ref, F.groupNorm(x, 4, w, b, 1e-6f), F32, "group_norm");
        assertClose(ref, Composed.groupNorm(x, 4, w, b, 1e-6f), F32, "composed group_norm");
        assertClose(Ref.groupNorm(xs, 2, 12, 3, null, null, 1e-6f), F.groupNorm(x, 3, null, null, 1e-6f), F32,
                "plain");
        assertClose(Ref.groupNorm(xs, 2, 12, 6, floats(w), null, 1e-6f), F.groupNorm(x, 6, w, null, 1e-6f), F32,
                "w only");
        assertClose(Ref.groupNorm(xs, 2, 12, 6, null, floats(b), 1e-6f), F.groupNorm(x, 6, null, b, 1e-6f), F32,
                "b only");
        var e = assertThrows(IllegalArgumentException.class, () -> F.groupNorm(x, 5, w, b, 1e-6f));
        assertTrue(e.getMessage().contains("channels 12 not divisible by groups 5"), e.getMessage());
    }

    @Test
    void geluTanhAgainstFormula() {
        NDArray x = randn(m, r, 4, 33).mul(3f);
        assertClose(Ref.geluTanh(floats(x)), F.geluTanh(x), F32, "gelu_tanh");
        assertClose(Ref.geluTanh(floats(x)), Composed.geluTanh(x), F32, "composed gelu_tanh");
    }

    @Test
    void padReplicateMatchesIndexClamping() {
        NDArray x = randn(m, r, 2, 3, 4, 5, 6);
        long[] pads = {1, 2, 0, 3, 2, 0}; // W (1, 2), H (0, 3), T (2, 0): the causal conv's front padding
        NDArray y = F.padReplicate(x, pads);
        assertEquals(new Shape(2, 3, 6, 8, 9), y.getShape());
        float[] xs = floats(x);
        float[] ref = new float[2 * 3 * 6 * 8 * 9];
        int i = 0;
        for (int n = 0; n < 6; n++) {
            for (int t = 0; t < 6; t++) {
                for (int h = 0; h < 8; h++) {
                    for (int w = 0; w < 9; w++) {
                        int st = Math.min(Math.max(t - 2, 0), 3);
                        int sh = Math.min(Math.max(h, 0), 4);
                        int sw = Math.min(Math.max(w - 1, 0), 5);
                        ref[i++] = xs[(((n * 4) + st) * 5 + sh) * 6 + sw];
                    }
                }
            }
        }
        assertClose(ref, y, 0, "pad_replicate kernel");
        assertClose(ref, Composed.padReplicate(x, pads), 0, "pad_replicate composed");
        // ranks the kernel does not take go through the composed path with the same result
        NDArray x2 = randn(m, r, 3, 4);
        NDArray p2 = F.padReplicate(x2, 2, 1, 1, 0);
        assertEquals(new Shape(4, 7), p2.getShape());
        assertEquals(x2.getFloat(0, 0), p2.getFloat(0, 0));
        assertEquals(x2.getFloat(2, 3), p2.getFloat(3, 6));
        assertSame(x2, F.padReplicate(x2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> F.padReplicate(x2, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> F.padReplicate(x2, 1));
    }

    @Test
    void interpolateNearest3dRepeats() {
        NDArray x = randn(m, r, 2, 3, 2, 3, 4);
        NDArray y = F.interpolateNearest3d(x, 4, 6, 8);
        NDArray ref = x.repeat(2, 2).repeat(3, 2).repeat(4, 2);
        assertClose(floats(ref), y, 0, "upsample_nearest3d");
        assertClose(floats(ref), Composed.interpolateNearest3d(x, 4, 6, 8), 0, "composed");
        assertThrows(IllegalArgumentException.class, () -> F.interpolateNearest3d(randn(m, r, 2, 3, 4), 1, 2, 3));
    }

    @Test
    void linearWithAndWithoutBias() {
        NDArray x = randn(m, r, 2, 5, 31);
        NDArray w = randn(m, r, 17, 31);
        NDArray b = randn(m, r, 17);
        assertClose(Ref.linear(floats(x), 31, floats(w), floats(b)), F.linear(x, w, b), F32, "linear");
        assertClose(Ref.linear(floats(x), 31, floats(w), null), F.linear(x, w, null), F32, "linear no bias");
        assertEquals(new Shape(2, 5, 17), F.linear(x, w, b).getShape());
    }

    @Test
    void softmaxes() {
        NDArray x = randn(m, r, 3, 4, 29).mul(4f);
        float[] ref = Ref.softmaxLast(floats(x), 29);
        assertClose(ref, F.softmax(x, -1), F32, "softmax");
        NDArray same = F.softmaxSameDtype(x, -1);
        assertEquals(DataType.FLOAT32, same.getDataType());
        assertClose(ref, same, F32, "softmax same dtype");
        NDArray x16 = x.toType(DataType.FLOAT16, false);
        assertEquals(DataType.FLOAT16, F.softmaxSameDtype(x16, 2).getDataType());
        assertEquals(DataType.FLOAT32, F.softmax(x16, 2).getDataType());
    }

    @Test
    void conv3dAgainstLoop() {
        NDArray x = randn(m, r, 2, 3, 4, 5, 6);
        NDArray w = randn(m, r, 4, 3, 3, 3, 3);
        NDArray b = randn(m, r, 4);
        NDArray y = F.conv3d(x, w, b, new Shape(1, 1, 1), new Shape(0, 1, 1));
        assertEquals(new Shape(2, 4, 2, 5, 6), y.getShape());
        float[] xs = floats(x);
        float[] ws = floats(w);
        float[] bs = floats(b);
        float[] ref = new float[2 * 4 * 2 * 5 * 6];
        int i = 0;
        for (int n = 0; n < 2; n++) {
            for (int o = 0; o < 4; o++) {
                for (int t = 0; t < 2; t++) {
                    for (int h = 0; h < 5; h++) {
                        for (int ww = 0; ww < 6; ww++) {
                            double s = bs[o];
                            for (int c = 0; c < 3; c++) {
                                for (int dt = 0; dt < 3; dt++) {
                                    for (int dh = 0; dh < 3; dh++) {
                                        for (int dw = 0; dw < 3; dw++) {
                                            int hh = h + dh - 1;
                                            int wx = ww + dw - 1;
                                            if (hh < 0 || hh >= 5 || wx < 0 || wx >= 6) {
                                                continue;
                                            }
                                            s += xs[(((n * 3 + c) * 4 + t + dt) * 5 + hh) * 6 + wx]
                                                    * ws[(((o * 3 + c) * 3 + dt) * 3 + dh) * 3 + dw];
                                        }
                                    }
                                }
                            }
                            ref[i++] = (float) s;
                        }
                    }
                }
            }
        }
        assertClose(ref, y, 1e-5, "conv3d");
    }

    @Test
    void rotaryLayouts() {
        NDArray x = randn(m, r, 2, 3, 5, 8);
        NDArray cos = randn(m, r, 5, 8);
        NDArray sin = randn(m, r, 5, 8);
        float[] xs = floats(x);
        float[] cs = floats(cos);
        float[] ss = floats(sin);
        float[] inter = new float[xs.length];
        float[] half = new float[xs.length];
        for (int row = 0; row < 2 * 3 * 5; row++) {
            int n = row % 5;
            for (int d = 0; d < 8; d++) {
                int i = row * 8 + d;
                float c = cs[n * 8 + d];
                float s = ss[n * 8 + d];
                float rotInter = d % 2 == 0 ? -xs[i + 1] : xs[i - 1];
                float rotHalf = d < 4 ? -xs[i + 4] : xs[i - 4];
                inter[i] = xs[i] * c + rotInter * s;
                half[i] = xs[i] * c + rotHalf * s;
            }
        }
        assertClose(inter, F.applyRotaryEmbInterleaved(x, cos, sin), F32, "rope interleaved");
        assertClose(half, F.applyRotaryEmbHalf(x, cos, sin), F32, "rope half");
    }

    @Test
    void smallOps() {
        NDArray x = randn(m, r, 3, 7);
        float[] xs = floats(x);
        float[] silu = new float[xs.length];
        float[] quick = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            silu[i] = (float) (xs[i] / (1 + Math.exp(-xs[i])));
            quick[i] = (float) (xs[i] / (1 + Math.exp(-1.702 * xs[i])));
        }
        assertClose(silu, F.silu(x), F32, "silu");
        assertClose(quick, F.quickGelu(x), F32, "quick_gelu");
        NDArray table = randn(m, r, 5, 4);
        NDArray e = F.embedding(m.create(new long[] {4, 0, 4}), table);
        assertArrayEquals(floats(table.get(4)), floats(e.get(2)));
        NDArray add = F.additiveMask(m.create(new boolean[] {true, false}));
        assertArrayEquals(new float[] {0f, F.MASK_MIN}, add.toFloatArray(), 0f);
        assertFalse(F.hasNaN(x));
        assertTrue(F.hasNaN(x.div(0f).mul(0f)));
        assertArrayEquals(new float[21], floats(F.zerosLike(x)), 0f);
        assertEquals(21f, F.onesLike(x).sum().getFloat());
    }

    @Test
    void kernelOutputsAcceptInPlaceOpsAndNamedInputs() {
        NDArray x = randn(m, r, 2, 8);
        x.setName("transformer_blocks.0.x");
        NDArray y = F.rmsNorm(x, null, 1e-6f);
        float before = y.getFloat(0, 0);
        y.addi(1f); // a runMethod output (inference tensor) would throw here
        assertEquals(before + 1f, y.getFloat(0, 0), 1e-6f);
        assertEquals("transformer_blocks.0.x", x.getName());
        assertSame(m, y.getManager());
    }
}
