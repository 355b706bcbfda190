package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;

/**
 * The real form of the 3D rotary table that {@link RotaryPosEmbed} returns, diffusers' {@code (freqs_cos,
 * freqs_sin)}: each frequency repeated twice ({@code repeat_interleave(2)}), to be applied to adjacent pairs.
 *
 * @param cos [N, head_dim]
 * @param sin [N, head_dim]
 */
public record RotaryEmbedding(NDArray cos, NDArray sin) { }
