package io.hunyuan4j.core.weights;

/**
 * Bit-exact conversions between float32 and the two 16-bit float formats of checkpoints, written out because
 * Java 17 has no {@code Float.floatToFloat16}. Narrowing rounds to nearest, ties to even, as torch does.
 *
 * <ul>
 *   <li>bfloat16 is the top half of a float32 (8 exponent bits, 7 mantissa bits): widening is {@code bits << 16}
 *       and exact; narrowing rounds the dropped 16 bits. NaN becomes the canonical quiet NaN {@code 0x7FC0}
 *       (torch {@code c10::BFloat16} {@code round_to_nearest_even}).</li>
 *   <li>IEEE half (5 exponent bits, 10 mantissa bits): values above 65504 round to infinity, values below
 *       2<sup>-14</sup> become subnormal, below 2<sup>-25</sup> zero. NaN becomes {@code sign | 0x7E00}
 *       (torch {@code c10::detail::fp16_ieee_from_fp32_value}).</li>
 * </ul>
 *
 * @see <a href="https://github.com/pytorch/pytorch/blob/v2.7.1/c10/util/BFloat16.h">torch BFloat16.h</a>
 * @see <a href="https://github.com/pytorch/pytorch/blob/v2.7.1/c10/util/Half.h">torch Half.h</a>
 */
public final class HalfFloats {

    private HalfFloats() {}

    /** Widens bfloat16 bits to the float32 they denote, exactly. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /** Rounds a float32 to the nearest bfloat16, ties to even; NaN gives {@code 0x7FC0}. */
    public static short floatToBf16(float value) {
        if (Float.isNaN(value)) {
            return (short) 0x7FC0;
        }
        int bits = Float.floatToRawIntBits(value);
        // adding 0x7FFF rounds half-way cases down, plus the lowest kept bit rounds them to even;
        // the carry may run into the exponent, which is the correct next binade or infinity
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /** Widens IEEE half bits to the float32 they denote, exactly. */
    public static float f16ToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            // zero or subnormal: mant x 2^-24, exact in float32
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Rounds a float32 to the nearest IEEE half, ties to even; NaN gives {@code sign | 0x7E00}. */
    public static short floatToF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;
        if (exp == 0xFF) {
            return (short) (sign | (mant == 0 ? 0x7C00 : 0x7E00));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            // subnormal half: counted in units of 2^-24, the value is (1.mant as a 24-bit integer) >> (14 - e)
            int m = mant | 0x800000;
            int shift = 14 - e;
            return (short) (sign | roundShift(m, shift));
        }
        // a carry out of the mantissa moves to the next exponent (or to infinity), as it should
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return (short) (sign | half);
    }

    private static int roundShift(int m, int shift) {
        int kept = m >>> shift;
        int rem = m & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (rem > halfway || (rem == halfway && (kept & 1) != 0)) {
            kept++;
        }
        return kept;
    }
}
