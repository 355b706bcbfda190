package io.hunyuan4j.core.weights;

/**
 * Bit-exact decoding and encoding of the two 8-bit float formats of FP8 checkpoints (OCP 8-bit floating point,
 * as torch's {@code float8_e4m3fn} and {@code float8_e5m2}):
 *
 * <ul>
 *   <li>{@link #E4M3FN}: 1 sign, 4 exponent (bias 7), 3 mantissa bits. No infinities; {@code S.1111.111} is NaN
 *       (the "fn" of the name), so the largest value is 448 ({@code 0x7E}); subnormals reach 2<sup>-9</sup>.</li>
 *   <li>{@link #E5M2}: 1 sign, 5 exponent (bias 15), 2 mantissa bits: IEEE-like, exponent 31 is infinity
 *       (mantissa 0) or NaN; the largest finite value is 57344; subnormals reach 2<sup>-16</sup>.</li>
 * </ul>
 *
 * Every FP8 value is exactly a float32 and a bfloat16 (3 or 2 mantissa bits, exponents well inside bf16's
 * range), so widening is a table lookup and exact. NaN decodes to the quiet NaN of its sign.
 *
 * <p>Narrowing ({@link #encode}) rounds to nearest, ties to even, like torch's cast: for E4M3FN values past the
 * rounding boundary of 448 become NaN (torch's cast does not saturate), for E5M2 infinity.
 *
 * @see <a href="https://github.com/pytorch/pytorch/blob/v2.7.1/c10/util/Float8_e4m3fn.h">torch Float8_e4m3fn.h</a>
 * @see <a href="https://github.com/pytorch/pytorch/blob/v2.7.1/c10/util/Float8_e5m2.h">torch Float8_e5m2.h</a>
 */
public enum Float8 {
    /** {@code F8_E4M3} in safetensors, torch {@code float8_e4m3fn}. */
    E4M3FN(4, 3, 7),
    /** {@code F8_E5M2} in safetensors, torch {@code float8_e5m2}. */
    E5M2(5, 2, 15);

    private final int mantissaBits;
    private final int bias;
    private final int maxExponent;
    private final float[] toFloat = new float[256];
    private final short[] toBf16 = new short[256];
    /** The positive code just past the largest finite one: NaN for E4M3FN, +infinity for E5M2. */
    private final int overflowCode;

    Float8(int exponentBits, int mantissaBits, int bias) {
        this.mantissaBits = mantissaBits;
        this.bias = bias;
        this.maxExponent = (1 << exponentBits) - 1;
        for (int code = 0; code < 256; code++) {
            toFloat[code] = decodeBits(code);
            toBf16[code] = (short) (Float.floatToRawIntBits(toFloat[code]) >>> 16);
        }
        this.overflowCode = exponentBits == 4 ? 0x7F : 0x7C;
    }

    /** The format of a safetensors dtype. */
    public static Float8 of(DType dtype) {
        return switch (dtype) {
            case F8_E4M3 -> E4M3FN;
            case F8_E5M2 -> E5M2;
            default -> throw new IllegalArgumentException(dtype + " is not an FP8 dtype");
        };
    }

    /** The float32 value of {@code bits} (exact). */
    public float toFloat(byte bits) {
        return toFloat[bits & 0xFF];
    }

    /** The bfloat16 bits of the value of {@code bits} (exact). */
    public short toBf16Bits(byte bits) {
        return toBf16[bits & 0xFF];
    }

    /** Rounds {@code value} to the nearest value of this format, ties to even (torch's cast). */
    public byte encode(float value) {
        int sign = Float.floatToRawIntBits(value) < 0 ? 0x80 : 0;
        if (Float.isNaN(value)) {
            return (byte) (0x7F | sign);
        }
        float a = Math.abs(value);
        // positive codes are ordered like their values: find the last one not above a
        int lo = 0;
        int hi = overflowCode - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (toFloat[mid] <= a) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        float below = toFloat[lo];
        if (below == a) {
            return (byte) (lo | sign);
        }
        // the value one step past the largest finite one (480 for E4M3FN, 65536 for E5M2) rounds to overflow
        int mantissaMask = (1 << mantissaBits) - 1;
        float above = lo + 1 < overflowCode ? toFloat[lo + 1]
                : Math.scalb(1f + (float) ((lo & mantissaMask) + 1) / (1 << mantissaBits), (lo >>> mantissaBits) - bias);
        double dBelow = (double) a - below;
        double dAbove = (double) above - a;
        int code = dBelow < dAbove || (dBelow == dAbove && (lo & 1) == 0) ? lo : lo + 1;
        return (byte) (code | sign);
    }

    private float decodeBits(int code) {
        boolean negative = (code & 0x80) != 0;
        int e = (code >>> mantissaBits) & maxExponent;
        int m = code & ((1 << mantissaBits) - 1);
        float v;
        if (this.mantissaBits == 3 && e == maxExponent && m == (1 << mantissaBits) - 1) {
            v = Float.NaN; // e4m3fn: only S.1111.111 is special
        } else if (this.mantissaBits == 2 && e == maxExponent) {
            v = m == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else if (e == 0) {
            v = Math.scalb((float) m, 1 - bias - mantissaBits); // subnormal
        } else {
            v = Math.scalb(1f + (float) m / (1 << mantissaBits), e - bias);
        }
        return negative ? -v : v;
    }
}
