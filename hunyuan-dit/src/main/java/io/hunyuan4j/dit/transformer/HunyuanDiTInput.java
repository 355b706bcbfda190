package io.hunyuan4j.dit.transformer;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import org.jspecify.annotations.Nullable;

/**
 * The keyword arguments {@code HunyuanDiTPipeline.__call__} passes to {@code HunyuanDiT2DModel.forward}.
 *
 * @param hiddenStates latents [B, C, H, W]
 * @param timestep [B] float32 (the DDPM integer timestep as float)
 * @param encoderHiddenStates BERT {@code last_hidden_state} [B, text_len, cross_attention_dim]
 * @param textEmbeddingMask [B, text_len], 1 valid, 0 padded (replaced by the learned padding rows)
 * @param encoderHiddenStatesT5 mT5 {@code last_hidden_state} [B, text_len_t5, cross_attention_dim_t5]
 * @param textEmbeddingMaskT5 [B, text_len_t5]
 * @param imageMetaSize [B, 6] float32 (original size, target size, crop top-left); required by v1.0/v1.1 models,
 *     ignored by v1.2
 * @param style [B] INT64 style ids; required by v1.0/v1.1 models, ignored by v1.2
 * @param imageRotaryEmb the 2D RoPE table [(H/p)(W/p), head_dim] ({@link HunyuanDiTRotaryPosEmbed})
 */
public record HunyuanDiTInput(NDArray hiddenStates, NDArray timestep, NDArray encoderHiddenStates,
        NDArray textEmbeddingMask, NDArray encoderHiddenStatesT5, NDArray textEmbeddingMaskT5,
        @Nullable NDArray imageMetaSize, @Nullable NDArray style, RotaryEmbedding imageRotaryEmb) { }
