package io.hunyuan4j.cogvideox.transformer;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import org.jspecify.annotations.Nullable;

/**
 * The keyword arguments CogVideoX pipelines pass to {@code CogVideoXTransformer3DModel.forward}.
 *
 * @param hiddenStates latents [B, F, C, H, W], FRAMES BEFORE CHANNELS (image latents already concatenated on
 *     channels for image-to-video)
 * @param encoderHiddenStates T5 embeddings [B, L, text_embed_dim]; no mask: every token takes part
 * @param timestep [B] (int64 or float) integer timesteps of the scheduler
 * @param ofs [1] or [B] float, required exactly when the model has an ofs embedding (CogVideoX 1.5 I2V: 2.0)
 * @param imageRotaryEmb the RoPE table ({@link CogVideoXRotaryPosEmbed}), required exactly when the model uses
 *     RoPE
 */
public record CogVideoXTransformerInput(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray timestep,
        @Nullable NDArray ofs, @Nullable RotaryEmbedding imageRotaryEmb) { }
