package io.hunyuan4j.core.weights;

import java.nio.ByteBuffer;

/**
 * Encodes Java values into the little-endian element bytes of a safetensors dtype. Floating values go to
 * floating dtypes only and integer values to integer dtypes and BOOL only, so no value is silently truncated;
 * integers outside the dtype's range are rejected, naming the tensor and the value.
 */
final class ElementCodec {

    private ElementCodec() {}

    /** Fails unless {@code dtype} stores floating values. */
    static void requireFloating(String name, DType dtype) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("tensor '" + name + "': float values need a floating dtype"
                    + " (F64, F32, F16, BF16, F8_E4M3, F8_E5M2), not " + dtype + "; pass long values for integer and BOOL dtypes");
        }
    }

    /** Fails unless {@code dtype} stores integers or booleans. */
    static void requireIntegral(String name, DType dtype) {
        if (dtype.isFloating()) {
            throw new IllegalArgumentException("tensor '" + name + "': long values need an integer or BOOL dtype"
                    + " (I64, I32, I16, I8, U8, BOOL), not " + dtype + "; pass float values for floating dtypes");
        }
    }

    /** Writes {@code n} values from {@code src[from..]} at {@code dst}'s position (little-endian). */
    static void putFloats(DType dtype, float[] src, int from, int n, ByteBuffer dst) {
        switch (dtype) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    dst.putFloat(src[from + i]);
                }
            }
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    dst.putDouble(src[from + i]);
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst.putShort(HalfFloats.floatToBf16(src[from + i]));
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst.putShort(HalfFloats.floatToF16(src[from + i]));
                }
            }
            case F8_E4M3, F8_E5M2 -> {
                Float8 f8 = Float8.of(dtype);
                for (int i = 0; i < n; i++) {
                    dst.put(f8.encode(src[from + i]));
                }
            }
            default -> throw new IllegalArgumentException(dtype + " is not a floating dtype");
        }
    }

    /** Writes {@code n} values from {@code src[from..]}, checking each fits {@code dtype}. */
    static void putLongs(String name, DType dtype, long[] src, int from, int n, ByteBuffer dst) {
        for (int i = 0; i < n; i++) {
            long v = src[from + i];
            switch (dtype) {
                case I64 -> dst.putLong(v);
                case I32 -> dst.putInt((int) check(name, dtype, v, Integer.MIN_VALUE, Integer.MAX_VALUE));
                case I16 -> dst.putShort((short) check(name, dtype, v, Short.MIN_VALUE, Short.MAX_VALUE));
                case I8 -> dst.put((byte) check(name, dtype, v, Byte.MIN_VALUE, Byte.MAX_VALUE));
                case U8 -> dst.put((byte) check(name, dtype, v, 0, 255));
                case BOOL -> dst.put((byte) check(name, dtype, v, 0, 1));
                default -> throw new IllegalArgumentException(dtype + " is not an integer dtype");
            }
        }
    }

    private static long check(String name, DType dtype, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException("tensor '" + name + "': value " + v + " does not fit " + dtype
                    + " [" + min + ", " + max + "]");
        }
        return v;
    }
}
