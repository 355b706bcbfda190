package io.hunyuan4j.cogvideox.pipeline;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.transformer.RotaryEmbedding;

/**
 * Receives the pipeline's intermediate values (diffusers' {@code callback_on_step_end} tensors and more), typed.
 * Values are valid only during the call; a listener that keeps one copies it ({@code duplicate()}) into its own
 * manager.
 */
public interface CogVideoXTrace {

    /** Ignores everything. */
    CogVideoXTrace NONE = new CogVideoXTrace() { };

    /** The RoPE table of the run ({@code _prepare_rotary_positional_embeddings}), when the model uses RoPE. */
    default void onRotaryEmbedding(RotaryEmbedding rope) { }

    /** Image-to-video: the preprocessed image [B, 3, H, W] in [-1, 1]. */
    default void onImagePreprocessed(NDArray image) { }

    /** Image-to-video: the scaled, padded image latents [B, F', C, h, w]. */
    default void onImageLatents(NDArray imageLatents) { }

    /**
     * One denoising step finished.
     *
     * @param step the record of the step
     */
    default void onStep(Step step) { }

    /** The VAE's output before post-processing, [B, 3, F, H, W]. */
    default void onDecodedRaw(NDArray video) { }

    /**
     * One step's values.
     *
     * @param index 0-based
     * @param timestep the integer timestep
     * @param guidanceScale the guidance scale used (float64; dynamic CFG changes it per step)
     * @param noisePredRaw the transformer output [2B or B, F', C, h, w]
     * @param noisePredGuided after classifier-free guidance [B, F', C, h, w]
     * @param predOriginalSample the scheduler's x0
     * @param latents the latents after the step
     */
    record Step(int index, long timestep, double guidanceScale, NDArray noisePredRaw, NDArray noisePredGuided,
            NDArray predOriginalSample, NDArray latents) { }
}
