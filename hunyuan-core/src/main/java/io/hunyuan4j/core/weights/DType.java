package io.hunyuan4j.core.weights;

import java.util.Locale;

/** Element types of the safetensors format, with their byte sizes. */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1),
    /** FP8 e4m3fn ({@link Float8#E4M3FN}). */
    F8_E4M3(1),
    /** FP8 e5m2 ({@link Float8#E5M2}). */
    F8_E5M2(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether values are floating point. */
    public boolean isFloating() {
        return this == F64 || this == F32 || this == F16 || this == BF16 || isFloat8();
    }

    /** Whether this is one of the FP8 formats, decoded exactly by {@link Float8}. */
    public boolean isFloat8() {
        return this == F8_E4M3 || this == F8_E5M2;
    }

    /**
     * Parses the header spelling ("F32", "BF16", ...).
     *
     * @throws IllegalArgumentException for a dtype the SDK does not read, naming the supported ones
     */
    public static DType parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown dtype '" + s + "'; supported: " + java.util.Arrays.toString(values()), e);
        }
    }
}
