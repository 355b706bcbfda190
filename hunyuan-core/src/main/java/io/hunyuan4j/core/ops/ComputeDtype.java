package io.hunyuan4j.core.ops;

/** The precision modules compute in. */
public enum ComputeDtype {
    /** The reference's precision; the default. */
    FLOAT32,
    /** bfloat16 weights and matmuls (through the kernel library), float32 where the reference upcasts. */
    BF16;

    /** Parses {@code fp32|float32|bf16|bfloat16}, case-insensitive. */
    public static ComputeDtype parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "fp32", "float32", "f32" -> FLOAT32;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException("unknown compute dtype '" + s + "'; expected fp32 or bf16");
        };
    }
}
