package io.hunyuan4j.core.ops;

import static io.hunyuan4j.core.ops.Ref.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The strict float32 path: float32 convolutions go through the kernel library's {@code aten::_convolution}
 * with an explicit {@code allow_tf32}, and on a CPU (no TF32) give the same bits as DJL's convolution, the path
 * they replaced. The GPU half (TF32 off vs on) cannot be observed here: docs/gpu.md.
 */
class PrecisionTest {

    NDManager m;
    Random r;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
        r = new Random(5);
    }

    @AfterEach
    void close() {
        m.close();
    }

    @Test
    void conv3dStrictAndFastMatchDjlConvolutionBitForBit() {
        NDArray x = randn(m, r, 1, 5, 3, 6, 7);
        NDArray w = randn(m, r, 4, 5, 3, 3, 3);
        NDArray b = randn(m, r, 4);
        Shape s = new Shape(1, 2, 1);
        Shape p = new Shape(1, 1, 0);
        float[] ref = F.conv3dFused(x, w, b, s, p).toFloatArray();
        assertArrayEquals(ref, F.conv3d(x, w, b, s, p, Precision.STRICT).toFloatArray());
        assertArrayEquals(ref, F.conv3d(x, w, b, s, p, Precision.FAST).toFloatArray());
        assertArrayEquals(ref, F.conv3d(x, w, b, s, p).toFloatArray());
        assertArrayEquals(F.conv3dFused(x, w, null, s, p).toFloatArray(),
                F.conv3d(x, w, null, s, p, Precision.STRICT).toFloatArray());
        assertKernelsUsed("conv3d_f32", "conv3d_f32_nobias");
    }

    @Test
    void conv2dStrictMatchesDjlConvolutionBitForBit() {
        NDArray x = randn(m, r, 2, 3, 9, 8);
        NDArray w = randn(m, r, 6, 3, 3, 3);
        NDArray b = randn(m, r, 6);
        Shape s = new Shape(2, 2);
        Shape p = new Shape(1, 0);
        assertArrayEquals(F.conv2dFused(x, w, b, s, p).toFloatArray(),
                F.conv2d(x, w, b, s, p, Precision.STRICT).toFloatArray());
        assertArrayEquals(F.conv2dFused(x, w, null, s, p).toFloatArray(),
                F.conv2d(x, w, null, s, p, Precision.FAST).toFloatArray());
        assertKernelsUsed("conv2d_f32", "conv2d_f32_nobias");
    }

    @Test
    void linearStaysFloat32() {
        NDArray x = randn(m, r, 3, 8);
        NDArray w = randn(m, r, 5, 8);
        NDArray b = randn(m, r, 5);
        float[] ref = x.matMul(w.transpose()).add(b).toFloatArray();
        float[] got = F.linear(x, w, b).toFloatArray();
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], got[i], 1e-6f * Math.max(1, Math.abs(ref[i])));
        }
    }

    /** The kernel methods exist, ran (no run-time failure replaced them) and take the allow_tf32 flag. */
    private static void assertKernelsUsed(String... methods) {
        Kernels k = Kernels.forDevice(Device.cpu());
        assertTrue(k != null, Kernels.status(Device.cpu()));
        for (String method : methods) {
            assertTrue(k.has(method), method + " not callable: " + Kernels.status(Device.cpu()));
            assertTrue(!k.failedMethods().contains(method), method + " failed at run time");
        }
        assertTrue(Kernels.source().contains("torch._convolution(x, w, b, s, p, d, False, op, 1, False, False, True,"
                + " allow)"), "the float32 convolution passes allow_tf32 to aten::_convolution");
    }

    @Test
    void parsesTheSetting() {
        assertEquals(Precision.STRICT, Precision.parse("strict"));
        assertEquals(Precision.FAST, Precision.parse(" FAST "));
        assertTrue(!Precision.STRICT.allowTf32());
        assertTrue(Precision.FAST.allowTf32());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("tf32"));
        assertTrue(e.getMessage().contains("'strict' or 'fast'"), e.getMessage());
    }
}
