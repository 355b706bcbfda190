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
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.SafetensorsFile;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorLoader;
import io.hunyuan4j.core.weights.TensorSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bf16: conversions bit-exact against Java, the bf16 loader, and every F op on bf16 against float32. */
class Bf16Test {

    static final double BF16 = 1e-2;

    NDManager m;
    Random r;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
        r = new Random(3);
    }

    @AfterEach
    void close() {
        m.close();
        assertEquals(java.util.Set.of(), Kernels.forDevice(Device.cpu()).failedMethods());
    }

    @Test
    void conversionsRoundToNearestEvenAndWidenExactly() {
        float[] xs = Ref.random(r, 4099);
        xs[0] = 1.00390625f;  // exactly half-way between two bf16 values: ties to even (1.0)
        xs[1] = 1.01171875f;  // half-way, rounds up to even (1.015625)
        NDArray x = m.create(xs, new Shape(4099));
        NDArray b = F.toBf16(x);
        assertTrue(F.isBf16(b));
        assertEquals(DataType.UNKNOWN, b.getDataType());
        assertSame(b, F.toBf16(b));
        float[] back = F.toFloat32(b).toFloatArray();
        for (int i = 0; i < xs.length; i++) {
            assertEquals(Ref.roundBf16(xs[i]), back[i], 0f, "element " + i);
        }
        assertEquals(1.0f, back[0]);
        assertEquals(1.015625f, back[1]);
        assertArrayEquals(back, floats(F.toCompute(b, ComputeDtype.FLOAT32)), 0f);
        assertTrue(F.isBf16(F.toCompute(x, ComputeDtype.BF16)));
        assertSame(x, F.toCompute(x, ComputeDtype.FLOAT32));
    }

    @Test
    void rawBitsBitCastExactly() {
        short[] bits = new short[1000];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = (short) r.nextInt(0x7F00); // positive finite patterns
            if (i % 2 == 1) {
                bits[i] |= (short) 0x8000;
            }
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asShortBuffer().put(bits);
        NDArray raw = m.create(buf, new Shape(10, 100), DataType.FLOAT16);
        NDArray b = Kernels.bf16FromBits(raw);
        assertTrue(F.isBf16(b));
        assertEquals(new Shape(10, 100), b.getShape());
        float[] f = F.toFloat32(b).toFloatArray();
        for (int i = 0; i < bits.length; i++) {
            assertEquals(Float.intBitsToFloat(bits[i] << 16), f[i], 0f, "element " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> Kernels.bf16FromBits(m.zeros(new Shape(2))));
    }

    @Test
    void loaderKeepsBf16CheckpointsAsBf16(@TempDir Path dir) throws IOException {
        float[] w = Ref.random(r, 6 * 5);
        float[] bias = Ref.random(r, 6);
        Path file = dir.resolve("w.safetensors");
        writeSafetensors(file, w, bias);
        try (TensorSource src = SafetensorsFile.open(file)) {
            StateDict sd = StateDict.load(src, m, LoadMode.EAGER, ComputeDtype.BF16.loader(), "test");
            Parameter pw = sd.take("proj.weight", 6, 5);
            Parameter pb = sd.take("proj.bias", 6);
            sd.requireAllConsumed();
            assertTrue(F.isBf16(pw.array()), "bf16 checkpoint tensor stays bf16");
            assertTrue(F.isBf16(pb.array()), "f32 checkpoint tensor rounded to bf16");
            float[] got = F.toFloat32(pw.array()).toFloatArray();
            for (int i = 0; i < w.length; i++) {
                // the file holds the truncated top halves; the bit-cast must reproduce them exactly
                assertEquals(Float.intBitsToFloat(Float.floatToRawIntBits(w[i]) & 0xFFFF0000), got[i], 0f);
            }
            float[] gotB = F.toFloat32(pb.array()).toFloatArray();
            for (int i = 0; i < bias.length; i++) {
                assertEquals(Ref.roundBf16(bias[i]), gotB[i], 0f);
            }
            assertEquals(2 * 30, pw.array().toByteBuffer().capacity(), "2 bytes per element in memory");
            // bf16 linear with the loaded weights against float32 arithmetic on the same (rounded) values
            NDArray x = F.toBf16(randn(m, r, 3, 5));
            NDArray y = F.linear(x, pw.array(), pb.array());
            assertTrue(F.isBf16(y));
            assertClose(Ref.linear(floats(x), 5, got, gotB), y, BF16, "bf16 linear");
            // float32 activations with bf16 weights: computed in bf16, returned in float32
            NDArray y32 = F.linear(F.toFloat32(x), pw.array(), pb.array());
            assertEquals(DataType.FLOAT32, y32.getDataType());
            assertClose(Ref.linear(floats(x), 5, got, gotB), y32, BF16, "mixed linear");
        }
        try (TensorSource src = SafetensorsFile.open(file)) {
            NDArray f32 = TensorLoader.float32().load(src, "proj.weight", m);
            assertEquals(DataType.FLOAT32, f32.getDataType());
            var e = assertThrows(IllegalArgumentException.class, () -> src.load("proj.weight", m, DataType.BFLOAT16));
            assertTrue(e.getMessage().contains("BFLOAT16"), e.getMessage());
        }
    }

    /** proj.weight as BF16 (truncated bits), proj.bias as F32. */
    static void writeSafetensors(Path file, float[] w, float[] b) throws IOException {
        String header = "{\"proj.weight\":{\"dtype\":\"BF16\",\"shape\":[6,5],\"data_offsets\":[0," + (2 * w.length)
                + "]},\"proj.bias\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[" + (2 * w.length) + ","
                + (2 * w.length + 4 * b.length) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 2 * w.length + 4 * b.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        for (float f : w) {
            buf.putShort((short) (Float.floatToRawIntBits(f) >>> 16));
        }
        for (float f : b) {
            buf.putFloat(f);
        }
        Files.write(file, buf.array());
    }

    @Test
    void everyOpRunsOnBf16() {
        NDArray x = randn(m, r, 2, 6, 3, 4, 5);
        NDArray xb = F.toBf16(x);
        NDArray w6 = randn(m, r, 6);
        NDArray b6 = randn(m, r, 6);
        NDArray w5 = randn(m, r, 5);
        NDArray b5 = randn(m, r, 5);
        NDArray xr = F.toFloat32(xb); // the bf16 input's exact value, so only the op's rounding is measured
        check(F.rmsNorm(xr, w5, 1e-6f), F.rmsNorm(xb, F.toBf16(w5), 1e-6f), "rms_norm");
        check(F.rmsNorm(xr, null, 1e-6f), F.rmsNorm(xb, null, 1e-6f), "rms_norm plain");
        check(F.rmsNorm(xr, w5, 1e-6f), F.rmsNorm(xb, w5, 1e-6f), "rms_norm f32 weight");
        check(F.layerNorm(xr, 1e-6f), F.layerNorm(xb, 1e-6f), "layer_norm");
        check(F.layerNorm(xr, w5, b5, 1e-6f), F.layerNorm(xb, F.toBf16(w5), F.toBf16(b5), 1e-6f), "layer_norm affine");
        check(F.layerNorm(xr, w5, null, 1e-6f), F.layerNorm(xb, w5, null, 1e-6f), "layer_norm w");
        check(F.groupNorm(xr, 3, w6, b6, 1e-6f), F.groupNorm(xb, 3, F.toBf16(w6), F.toBf16(b6), 1e-6f), "group_norm");
        check(F.groupNorm(xr, 2, null, null, 1e-6f), F.groupNorm(xb, 2, null, null, 1e-6f), "group_norm plain");
        check(F.groupNorm(xr, 2, w6, null, 1e-6f), F.groupNorm(xb, 2, w6, null, 1e-6f), "group_norm w");
        check(F.geluTanh(xr), F.geluTanh(xb), "gelu_tanh");
        check(F.gelu(xr), F.gelu(xb), "gelu");
        check(F.silu(xr), F.silu(xb), "silu");
        check(F.quickGelu(xr), F.quickGelu(xb), "quick_gelu");
        check(F.padReplicate(xr, 1, 1, 1, 1, 2, 0), F.padReplicate(xb, 1, 1, 1, 1, 2, 0), "pad_replicate");
        check(F.interpolateNearest3d(xr, 6, 8, 10), F.interpolateNearest3d(xb, 6, 8, 10), "upsample");
        check(F.softmaxSameDtype(xr, -1), F.softmaxSameDtype(xb, -1), "softmax same dtype");
        NDArray sm = F.softmax(xb, 1);
        assertEquals(DataType.FLOAT32, sm.getDataType());
        assertClose(floats(F.softmax(xr, 1)), sm, 1e-6, "softmax (float32 out)");
        NDArray wc = randn(m, r, 4, 6, 1, 3, 3);
        check(F.conv3d(xr, wc, b5.get("0:4"), new Shape(1, 1, 1), new Shape(0, 1, 1)),
                F.conv3d(xb, F.toBf16(wc), F.toBf16(b5.get("0:4")), new Shape(1, 1, 1), new Shape(0, 1, 1)), "conv3d");
        NDArray mixed = F.conv3d(xr, F.toBf16(wc), null, new Shape(1, 1, 1), new Shape(0, 1, 1));
        assertEquals(DataType.FLOAT32, mixed.getDataType());
        NDArray q = randn(m, r, 2, 3, 7, 8);
        NDArray cos = randn(m, r, 7, 8);
        NDArray sin = randn(m, r, 7, 8);
        NDArray qr = F.toFloat32(F.toBf16(q));
        check(F.applyRotaryEmbInterleaved(qr, cos, sin), F.applyRotaryEmbInterleaved(F.toBf16(q), cos, sin), "rope");
        check(F.applyRotaryEmbHalf(qr, cos, sin), F.applyRotaryEmbHalf(F.toBf16(q), cos, sin), "rope half");
        NDArray table = F.toBf16(randn(m, r, 9, 4));
        check(F.embedding(m.create(new long[] {8, 1}), F.toFloat32(table)), F.embedding(m.create(new long[] {8, 1}), table),
                "embedding");
        assertFalse(F.hasNaN(xb));
        assertTrue(F.isBf16(F.zerosLike(xb)));
        assertEquals(0f, F.toFloat32(F.zerosLike(xb)).abs().sum().getFloat());
        assertEquals(x.size(), F.toFloat32(F.onesLike(xb)).sum().getFloat(), 0f);
    }

    /** bf16 result keeps the bf16 dtype and is within bf16 rounding of the float32 result. */
    private static void check(NDArray ref32, NDArray gotBf16, String what) {
        assertTrue(F.isBf16(gotBf16), what + " returns bf16 for bf16 input");
        assertEquals(ref32.getShape(), gotBf16.getShape(), what);
        assertClose(floats(ref32), gotBf16, BF16, what);
    }

    @Test
    void composedFallbacksAcceptBf16() {
        NDArray xb = F.toBf16(randn(m, r, 2, 6, 3, 4, 5));
        NDArray xr = F.toFloat32(xb);
        NDArray w = randn(m, r, 5);
        check(Composed.rmsNorm(xr, w, 1e-6f), Composed.rmsNorm(xb, w, 1e-6f), "composed rms_norm");
        check(Composed.groupNorm(xr, 3, null, null, 1e-6f), Composed.groupNorm(xb, 3, null, null, 1e-6f), "composed gn");
        check(Composed.geluTanh(xr), Composed.geluTanh(xb), "composed gelu_tanh");
        check(Composed.padReplicate(xr, 1, 2), Composed.padReplicate(xb, 1, 2), "composed pad");
        NDArray wl = F.toBf16(randn(m, r, 3, 5));
        check(Composed.linear(xr, F.toFloat32(wl), null), Composed.linear(xb, wl, null), "composed linear");
    }
}
