package io.hunyuan4j.core.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The 16-bit conversions: bit-exact widening, round-to-nearest-even narrowing, torch's results. */
class HalfFloatsTest {

    @Test
    void bf16WideningIsTheTopHalfOfAFloat32ForAll65536Patterns() {
        for (int b = 0; b < 65536; b++) {
            float f = HalfFloats.bf16ToFloat((short) b);
            if (Float.isNaN(f)) {
                assertTrue((b & 0x7F80) == 0x7F80 && (b & 0x7F) != 0, "only NaN patterns widen to NaN: " + b);
            } else {
                assertEquals(b << 16, Float.floatToRawIntBits(f), "pattern " + Integer.toHexString(b));
                // and narrowing an exact bf16 value gives the pattern back
                assertEquals((short) b, HalfFloats.floatToBf16(f), "round trip " + Integer.toHexString(b));
            }
        }
    }

    @Test
    void bf16NarrowingRoundsToNearestEven() {
        assertEquals((short) 0x3F80, HalfFloats.floatToBf16(1f));
        // 1 + 2^-8 is half-way between 1 and 1 + 2^-7: ties to even (1)
        assertEquals((short) 0x3F80, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F808000)));
        // 1 + 3 x 2^-8 is half-way between 1 + 2^-7 (odd) and 1 + 2^-6: ties to even (up)
        assertEquals((short) 0x3F82, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F818000)));
        assertEquals((short) 0x3F81, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F808001)));
        // the largest finite float rounds up to infinity, as torch does
        assertEquals((short) 0x7F80, HalfFloats.floatToBf16(Float.MAX_VALUE));
        assertEquals((short) 0xFF80, HalfFloats.floatToBf16(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x7FC0, HalfFloats.floatToBf16(Float.NaN));
        assertEquals((short) 0x7FC0, HalfFloats.floatToBf16(Float.intBitsToFloat(0xFF800001)));
        assertEquals((short) 0x8000, HalfFloats.floatToBf16(-0f));
        // subnormal floats round within the subnormal bf16 range, ties to even too
        assertEquals((short) 0x0001, HalfFloats.floatToBf16(Float.intBitsToFloat(0x00014000)));
        assertEquals((short) 0x0002, HalfFloats.floatToBf16(Float.intBitsToFloat(0x00018000)));
        assertEquals((short) 0x0000, HalfFloats.floatToBf16(Float.intBitsToFloat(0x00008000)));
    }

    @Test
    void bf16NarrowingPicksTheNearestNeighbour() {
        SplittableRandom r = new SplittableRandom(7);
        for (int k = 0; k < 200_000; k++) {
            float x = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(x) || Float.isInfinite(x) || Math.abs(x) > 3.38e38f) {
                continue;
            }
            short b = HalfFloats.floatToBf16(x);
            double got = HalfFloats.bf16ToFloat(b);
            double below = HalfFloats.bf16ToFloat((short) (b - 1));
            double above = HalfFloats.bf16ToFloat((short) (b + 1));
            double err = Math.abs(got - x);
            // a neighbour pattern past +-0 or the largest finite value is NaN or infinite: no competitor
            double errBelow = Double.isFinite(below) ? Math.abs(below - x) : Double.POSITIVE_INFINITY;
            double errAbove = Double.isFinite(above) ? Math.abs(above - x) : Double.POSITIVE_INFINITY;
            assertTrue(err <= errBelow && err <= errAbove, "nearest for " + x);
            if (err == errBelow || err == errAbove) {
                assertEquals(0, b & 1, "tie goes to even for " + x);
            }
        }
    }

    @Test
    void f16ConversionsMatchTorch() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 1 << 18;
        float[] v = new float[n];
        float[] specials = {0f, -0f, 1f, 65504f, 65519.99f, 65520f, 1e6f, 0x1p-14f, 0x1p-24f, 0x1p-25f,
            0x1.8p-25f, 0x1.8p-24f, 0x1p-26f, 0x1.ffcp-15f, 0x1.ffep-15f, 2049f, 2051f, 4097f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
        for (int i = 0; i < n; i++) {
            if (i < specials.length) {
                v[i] = specials[i];
            } else if (i % 2 == 0) {
                v[i] = Float.intBitsToFloat(r.nextInt());        // every exponent
            } else {
                v[i] = (float) ((r.nextDouble() - 0.5) * Math.pow(2, r.nextInt(-30, 18)));   // the f16 range
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray half = m.create(v).toType(DataType.FLOAT16, false);
            ByteBuffer hb = half.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            NDArray back = half.toType(DataType.FLOAT32, false);
            float[] widened = back.toFloatArray();
            for (int i = 0; i < n; i++) {
                short torch = hb.getShort(2 * i);
                short ours = HalfFloats.floatToF16(v[i]);
                if (Float.isNaN(v[i])) {
                    assertTrue(Float.isNaN(HalfFloats.f16ToFloat(ours)) && Float.isNaN(widened[i]), "NaN " + i);
                    continue;
                }
                assertEquals(torch, ours, "f32->f16 of " + v[i] + " (" + Integer.toHexString(Float.floatToRawIntBits(v[i])) + ")");
                assertEquals(Float.floatToRawIntBits(widened[i]), Float.floatToRawIntBits(HalfFloats.f16ToFloat(torch)),
                        "f16->f32 of " + Integer.toHexString(torch & 0xFFFF));
            }
        }
    }

    @Test
    void f16WideningOfAll65536PatternsMatchesTorch() {
        short[] all = new short[65536];
        for (int b = 0; b < all.length; b++) {
            all[b] = (short) b;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            ByteBuffer raw = ByteBuffer.allocateDirect(2 * all.length).order(ByteOrder.LITTLE_ENDIAN);
            raw.asShortBuffer().put(all);
            float[] torch = m.create(raw, new ai.djl.ndarray.types.Shape(all.length), DataType.FLOAT16)
                    .toType(DataType.FLOAT32, true).toFloatArray();
            for (int b = 0; b < all.length; b++) {
                float ours = HalfFloats.f16ToFloat(all[b]);
                if (Float.isNaN(torch[b])) {
                    assertTrue(Float.isNaN(ours), "NaN pattern " + b);
                } else {
                    assertEquals(Float.floatToRawIntBits(torch[b]), Float.floatToRawIntBits(ours), "pattern " + b);
                    assertEquals(all[b], HalfFloats.floatToF16(ours), "round trip " + b);
                }
            }
        }
    }
}
