package io.hunyuan4j.golden;

import io.hunyuan4j.core.ops.ComputeDtype;

/**
 * Options of a golden-check run.
 *
 * @param computeDtype the precision the components run in; outputs are compared with the float32 fixtures
 */
public record GoldenOptions(ComputeDtype computeDtype) {

    /** bf16 tolerance for modules (issue: {@code <= 3e-2} max_rel_err). */
    public static final double BF16_TOLERANCE = 3e-2;

    /**
     * The reference's precision.
     *
     * @return float32 options
     */
    public static GoldenOptions float32() {
        return new GoldenOptions(ComputeDtype.FLOAT32);
    }
}
