package io.hunyuan4j.text.t5;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.ops.ComputeDtype;

/**
 * The precision a T5 / mT5 encoder holds its weights and computes in, given the pipeline's compute dtype.
 *
 * <p>T5's attention is unscaled (no {@code 1/sqrt(d)}), so its logits are large and the softmax close to one-hot:
 * rounding q and k to bf16 moves them visibly. Measured on the golden fixtures: the float32 reference run with its
 * weights merely rounded to bf16 differs from itself by 5.8e-2 ({@code text_t5}, {@code masked.last_hidden_state});
 * a bf16 encoder by 7.3e-2 ({@code text_t5}) and 4.9e-2 ({@code text_mt5}), above the SDK's bf16 bound of 3e-2, while
 * a float32 encoder under a bf16 pipeline is exact (1e-6). So the T5 family keeps float32 by default, as the VAEs do;
 * the encoder runs once per prompt, so its cost is memory, not time: with {@code LAZY} loading one block is
 * resident at a time (T5-XXL: 0.77 GB a block in float32 against 0.39 GB in bf16, plus the 0.53 GB / 0.26 GB
 * embedding table).
 */
public enum T5Precision {

    /** float32 weights and activations under every compute dtype (the default). */
    FLOAT32,

    /**
     * The pipeline's compute dtype: under {@link ComputeDtype#BF16}, bf16 weights and projections (float32 position
     * bias, softmax and residual stream). Opt-in: halves the encoder's memory, at a measured max_rel_err of 7.3e-2
     * (text_t5) and 4.9e-2 (text_mt5) on the random-weight fixtures.
     */
    COMPUTE_DTYPE;

    /**
     * The dtype the encoder holds and computes in.
     *
     * @param compute the pipeline's compute dtype
     * @return float32 for {@link #FLOAT32}, else {@code compute}
     */
    public ComputeDtype weightDtype(ComputeDtype compute) {
        return this == FLOAT32 ? ComputeDtype.FLOAT32 : compute;
    }

    /**
     * {@code options} with the compute dtype this policy gives the encoder.
     *
     * @param options the pipeline's options
     * @return the encoder's options (same device and load mode)
     */
    public ComponentOptions encoderOptions(ComponentOptions options) {
        ComputeDtype d = weightDtype(options.computeDtype());
        return d == options.computeDtype() ? options : new ComponentOptions(options.device(), d, options.loadMode());
    }
}
