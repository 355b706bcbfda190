package io.hunyuan4j.core.ops;

import static io.hunyuan4j.core.ops.Ref.assertClose;
import static io.hunyuan4j.core.ops.Ref.floats;
import static io.hunyuan4j.core.ops.Ref.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.nn.Conv2d;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.InMemoryTensors;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorLoader;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link F#conv2d} against a direct loop (stride, padding, bias), its bf16 path (the {@code conv3d} kernel on a
 * one-frame view) within a bf16 bound of float32 on the same rounded inputs, and {@link Conv2d} binding by name.
 */
class Conv2dTest {

    NDManager m;
    Random r;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
        r = new Random(11);
    }

    @AfterEach
    void close() {
        m.close();
    }

    /** torch's conv2d, one group, no dilation, zero padding p on each side. */
    private static float[] loop(NDArray x, NDArray w, NDArray b, int stride, int pad) {
        long[] xs = x.getShape().getShape();
        long[] ws = w.getShape().getShape();
        int n = (int) xs[0];
        int c = (int) xs[1];
        int h = (int) xs[2];
        int wd = (int) xs[3];
        int o = (int) ws[0];
        int k = (int) ws[2];
        int oh = (h + 2 * pad - k) / stride + 1;
        int ow = (wd + 2 * pad - k) / stride + 1;
        float[] xf = floats(x);
        float[] wf = floats(w);
        float[] bf = b == null ? new float[o] : floats(b);
        float[] y = new float[n * o * oh * ow];
        int i = 0;
        for (int bi = 0; bi < n; bi++) {
            for (int oc = 0; oc < o; oc++) {
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        double s = bf[oc];
                        for (int ic = 0; ic < c; ic++) {
                            for (int dy = 0; dy < k; dy++) {
                                for (int dx = 0; dx < k; dx++) {
                                    int hh = yy * stride + dy - pad;
                                    int ww = xx * stride + dx - pad;
                                    if (hh >= 0 && hh < h && ww >= 0 && ww < wd) {
                                        s += xf[((bi * c + ic) * h + hh) * wd + ww] * wf[((oc * c + ic) * k + dy) * k + dx];
                                    }
                                }
                            }
                        }
                        y[i++] = (float) s;
                    }
                }
            }
        }
        return y;
    }

    @Test
    void float32MatchesADirectLoop() {
        NDArray x = randn(m, r, 2, 3, 7, 6);
        NDArray w = randn(m, r, 5, 3, 3, 3);
        NDArray b = randn(m, r, 5);
        NDArray y = F.conv2d(x, w, b, new Shape(2, 2), new Shape(1, 1));
        assertEquals(new Shape(2, 5, 4, 3), y.getShape());
        assertClose(loop(x, w, b, 2, 1), y, 1e-5, "conv2d 3x3 s2 p1");
        NDArray w1 = randn(m, r, 4, 3, 1, 1);
        assertClose(loop(x, w1, null, 1, 0), F.conv2d(x, w1, null, new Shape(1, 1), new Shape(0, 0)), 1e-5,
                "conv2d 1x1 nobias");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> F.conv2d(x.expandDims(2), w, b, new Shape(1, 1), new Shape(0, 0)));
        assertTrue(e.getMessage().contains("[B, C, H, W]"), e.getMessage());
    }

    @Test
    void bf16RunsTheConv3dKernelOnAOneFrameView() {
        if (!Kernels.available(Device.cpu())) {
            return; // bf16 exists only through the kernel library (F's contract)
        }
        NDArray x = F.toBf16(randn(m, r, 2, 6, 5, 7));
        NDArray w = F.toBf16(randn(m, r, 4, 6, 3, 3).mul(0.2));
        NDArray b = F.toBf16(randn(m, r, 4).mul(0.1));
        NDArray ref = F.conv2d(F.toFloat32(x), F.toFloat32(w), F.toFloat32(b), new Shape(1, 1), new Shape(1, 1));
        NDArray got = F.conv2d(x, w, b, new Shape(1, 1), new Shape(1, 1));
        assertEquals(ref.getShape(), got.getShape());
        assertTrue(F.isBf16(got));
        assertTrue(Bf16Sweep.relErr(got, ref) <= 1e-2, "bf16 conv2d: " + Bf16Sweep.relErr(got, ref));
        // float32 activations with bf16 weights come back float32
        NDArray mixed = F.conv2d(F.toFloat32(x), w, null, new Shape(2, 2), new Shape(0, 0));
        assertEquals(new Shape(2, 4, 2, 3), mixed.getShape());
        assertTrue(!F.isBf16(mixed));
    }

    @Test
    void conv2dBindsWeightAndBiasByName() {
        NDArray w = randn(m, r, 4, 3, 3, 3);
        NDArray b = randn(m, r, 4);
        try (NDManager weights = NDManager.newBaseManager()) {
            InMemoryTensors tensors = InMemoryTensors.builder()
                    .put("conv.weight", floats(w), DType.F32, 4, 3, 3, 3)
                    .put("conv.bias", floats(b), DType.F32, 4)
                    .build();
            StateDict sd = StateDict.load(tensors, weights, LoadMode.EAGER, TensorLoader.float32(), "test/");
            Conv2d conv = new Conv2d(sd.child("conv"), Conv2d.Spec.of(3, 4, 3, 1, 1));
            sd.requireAllConsumed();
            NDArray x = randn(m, r, 1, 3, 4, 5);
            assertClose(loop(x, w, b, 1, 1), conv.forward(x), 1e-5, "Conv2d");
        }
    }
}
