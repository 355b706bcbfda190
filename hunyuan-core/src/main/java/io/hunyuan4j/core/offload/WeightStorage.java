package io.hunyuan4j.core.offload;

/** How the DiT's weights are stored between uses, for the {@link MemoryPlanner}. */
public enum WeightStorage {
    /** In the compute dtype, as loaded (the default). */
    COMPUTE_DTYPE,
    /**
     * The matrices of the DiT's dual- and single-stream blocks (the linears Tencent's {@code convert_fp8_linear}
     * turns to {@code float8_e4m3fn}: those under {@code double_blocks}/{@code single_blocks}) at one byte per
     * element plus a float32 scale per tensor; everything else in the compute dtype. A block's FP8 matrices are
     * widened to the compute dtype only while the block runs.
     */
    FP8;

    /** Parses {@code compute|bf16|fp32} (the compute dtype) or {@code fp8}, case-insensitive. */
    public static WeightStorage parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "compute", "bf16", "fp32", "float32", "bfloat16" -> COMPUTE_DTYPE;
            case "fp8", "float8", "f8_e4m3", "fp8_e4m3fn" -> FP8;
            default -> throw new IllegalArgumentException("unknown weight storage '" + s + "'; expected fp8 or the"
                    + " compute dtype (bf16, fp32)");
        };
    }
}
