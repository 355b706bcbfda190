package io.hunyuan4j.core.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FP8 (e4m3fn, e5m2): every bit pattern decoded against the OCP definition, encoding, files, scaled files. */
class Float8Test {

    /** The OCP FP8 definition written independently of {@link Float8}, in double precision. */
    private static double reference(int code, int exponentBits, int mantissaBits, int bias, boolean fn) {
        int sign = code >>> 7;
        int e = (code >>> mantissaBits) & ((1 << exponentBits) - 1);
        int m = code & ((1 << mantissaBits) - 1);
        int emax = (1 << exponentBits) - 1;
        double v;
        if (fn && e == emax && m == (1 << mantissaBits) - 1) {
            return Double.NaN;
        } else if (!fn && e == emax) {
            v = m == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
            if (Double.isNaN(v)) {
                return v;
            }
        } else if (e == 0) {
            v = m * Math.pow(2, 1 - bias - mantissaBits);
        } else {
            v = (1 + m / (double) (1 << mantissaBits)) * Math.pow(2, e - bias);
        }
        return sign == 1 ? -v : v;
    }

    @Test
    void e4m3fnAll256Patterns() {
        int nan = 0;
        for (int code = 0; code < 256; code++) {
            double want = reference(code, 4, 3, 7, true);
            float got = Float8.E4M3FN.toFloat((byte) code);
            short bf16 = Float8.E4M3FN.toBf16Bits((byte) code);
            if (Double.isNaN(want)) {
                nan++;
                assertTrue(Float.isNaN(got), "code " + code);
                assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(bf16)), "code " + code);
            } else {
                assertEquals(want, got, 0.0, "code " + code);
                assertEquals(Float.floatToRawIntBits(got), HalfFloats.bf16ToFloat(bf16) == got
                        ? Float.floatToRawIntBits(HalfFloats.bf16ToFloat(bf16)) : -1, "bf16 exact, code " + code);
                assertFalse(Float.isInfinite(got), "e4m3fn has no infinity, code " + code);
            }
        }
        assertEquals(2, nan, "only S.1111.111 is NaN in e4m3fn");
        assertEquals(448f, Float8.E4M3FN.toFloat((byte) 0x7E));
        assertEquals(256f, Float8.E4M3FN.toFloat((byte) 0x78), "exponent 15 is finite in e4m3fn");
        assertEquals(0x1p-9f, Float8.E4M3FN.toFloat((byte) 0x01), "smallest subnormal");
        assertEquals(0x1p-6f, Float8.E4M3FN.toFloat((byte) 0x08), "smallest normal");
        assertEquals(-0f, Float8.E4M3FN.toFloat((byte) 0x80));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Float8.E4M3FN.toFloat((byte) 0x80)));
    }

    @Test
    void e5m2All256Patterns() {
        int nan = 0;
        for (int code = 0; code < 256; code++) {
            double want = reference(code, 5, 2, 15, false);
            float got = Float8.E5M2.toFloat((byte) code);
            if (Double.isNaN(want)) {
                nan++;
                assertTrue(Float.isNaN(got), "code " + code);
                assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(Float8.E5M2.toBf16Bits((byte) code))));
            } else {
                assertEquals(want, got, 0.0, "code " + code);
                assertEquals(got, HalfFloats.bf16ToFloat(Float8.E5M2.toBf16Bits((byte) code)), 0.0, "code " + code);
            }
        }
        assertEquals(6, nan, "exponent 31 with a non-zero mantissa is NaN");
        assertEquals(Float.POSITIVE_INFINITY, Float8.E5M2.toFloat((byte) 0x7C));
        assertEquals(Float.NEGATIVE_INFINITY, Float8.E5M2.toFloat((byte) 0xFC));
        assertEquals(57344f, Float8.E5M2.toFloat((byte) 0x7B));
        assertEquals(0x1p-16f, Float8.E5M2.toFloat((byte) 0x01));
    }

    @Test
    void encodeRoundsToNearestEvenLikeTorch() {
        for (Float8 f : Float8.values()) {
            for (int code = 0; code < 256; code++) {
                float v = f.toFloat((byte) code);
                if (!Float.isNaN(v)) {
                    assertEquals((byte) code, f.encode(v), f + " round trip of code " + code);
                }
            }
        }
        // e4m3fn: 448 is the largest value; past the half-way point to 480 the cast gives NaN (no saturation)
        assertEquals((byte) 0x7E, Float8.E4M3FN.encode(463.9f));
        assertEquals((byte) 0x7E, Float8.E4M3FN.encode(464f), "tie between 448 (0x7E, even) and 480 goes to 448");
        assertEquals((byte) 0x7F, Float8.E4M3FN.encode(465f), "nearer 480, which e4m3fn lacks: NaN");
        assertEquals((byte) 0xFF, Float8.E4M3FN.encode(-1e6f));
        assertEquals((byte) 0x7F, Float8.E4M3FN.encode(Float.POSITIVE_INFINITY));
        // 1 + 1/16 lies half-way between 1 (0x38, even) and 1.125 (0x39): ties to even
        assertEquals((byte) 0x38, Float8.E4M3FN.encode(1.0625f));
        assertEquals((byte) 0x3A, Float8.E4M3FN.encode(1.1875f), "half-way between 0x39 and 0x3A goes to 0x3A");
        assertEquals((byte) 0x00, Float8.E4M3FN.encode(0x1p-11f), "below half the smallest subnormal: zero");
        assertEquals((byte) 0x7C, Float8.E5M2.encode(61440f), "e5m2 overflows to infinity");
        assertEquals((byte) 0x7B, Float8.E5M2.encode(61439f));
    }

    /** Every bit pattern stored in a file loads as its exact float32 value, and the bf16 loader path agrees. */
    @Test
    void filesDecodeEveryPattern(@TempDir Path tmp) throws IOException {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        String header = "{" + RawFiles.entry("a", "F8_E4M3", "[16,16]", 0, 256) + ","
                + RawFiles.entry("b", "F8_E5M2", "[256]", 256, 512) + "}";
        byte[] data = new byte[512];
        System.arraycopy(all, 0, data, 0, 256);
        System.arraycopy(all, 0, data, 256, 256);
        Path file = RawFiles.write(tmp.resolve("f8.safetensors"), header, data);
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
            assertEquals(DType.F8_E4M3, f.info("a").dtype());
            assertEquals(DType.F8_E5M2, f.info("b").dtype());
            NDArray a = f.load("a", m, DataType.FLOAT32);
            assertEquals(new Shape(16, 16), a.getShape());
            float[] av = a.toFloatArray();
            float[] bv = f.load("b", m, DataType.FLOAT32).toFloatArray();
            for (int i = 0; i < 256; i++) {
                assertEquals(Float.floatToIntBits(Float8.E4M3FN.toFloat((byte) i)), Float.floatToIntBits(av[i]));
                assertEquals(Float.floatToIntBits(Float8.E5M2.toFloat((byte) i)), Float.floatToIntBits(bv[i]));
            }
        }
        // large enough for several widening blocks and parallel fill
        int n = 3 * TensorReader.PARALLEL_BLOCK + 17;
        byte[] big = new byte[n];
        for (int i = 0; i < n; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
        Path bigFile = RawFiles.write(tmp.resolve("big.safetensors"),
                "{" + RawFiles.entry("w", "F8_E4M3", "[" + n + "]", 0, n) + "}", big);
        try (SafetensorsFile f = SafetensorsFile.open(bigFile, 1 << 22); NDManager m = NDManager.newBaseManager()) {
            float[] got = f.load("w", m, DataType.FLOAT32).toFloatArray();
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToIntBits(Float8.E4M3FN.toFloat(big[i])), Float.floatToIntBits(got[i]),
                        "element " + i);
            }
        }
    }

    /** The writer narrows to FP8 and a ComfyUI-style scaled file loads as decode(w) * scale_weight. */
    @Test
    void scaledFp8LoadsAsDecodedTimesScale(@TempDir Path tmp) {
        float[] w = {0.5f, -1.25f, 3f, 448f, 0.001f, -0.0625f};
        Path file = new SafetensorsWriter()
                .add("blk.linear.weight", w, DType.F8_E4M3, 2, 3)
                .add("blk.linear.scale_weight", new float[] {0.01f}, DType.F32)
                .add("blk.linear.scale_input", new float[] {1f}, DType.F32)
                .add("blk.linear.bias", new float[] {1f, 2f}, DType.BF16, 2)
                .add(ScaledFloat8Tensors.MARKER, new float[0], DType.F8_E4M3, 0)
                .write(tmp.resolve("scaled.safetensors"));
        try (TensorSource s = ScaledFloat8Tensors.wrapIfScaled(SafetensorsFile.open(file));
                NDManager m = NDManager.newBaseManager()) {
            assertEquals(Set.of("blk.linear.weight", "blk.linear.bias"), s.names());
            float[] got = s.load("blk.linear.weight", m, DataType.FLOAT32).toFloatArray();
            for (int i = 0; i < w.length; i++) {
                float stored = Float8.E4M3FN.toFloat(Float8.E4M3FN.encode(w[i]));
                assertEquals(stored * 0.01f, got[i], 0f, "element " + i);
            }
            assertArrayEquals(new float[] {1f, 2f}, s.load("blk.linear.bias", m, DataType.FLOAT32).toFloatArray());
        }
    }
}
