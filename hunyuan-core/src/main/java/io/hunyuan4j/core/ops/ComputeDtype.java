package io.hunyuan4j.core.ops;

import io.hunyuan4j.core.weights.TensorLoader;

/**
 * The precision modules compute in. A module supporting bf16 loads its weights with {@link #loader()}, casts
 * its inputs with {@link F#toCompute} and keeps float32 where the reference upcasts (docs/ops.md).
 */
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

    /**
     * The weight loader for this precision: {@link TensorLoader#float32()}, or one keeping floating tensors as
     * native bf16 (bf16 checkpoints bit-exact, float32/float16 ones rounded to nearest even); non-floating
     * tensors load as for float32.
     */
    public TensorLoader loader() {
        return this == BF16 ? new Bf16TensorLoader() : TensorLoader.float32();
    }
}
