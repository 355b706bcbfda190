package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;

/**
 * The two token streams a dual- or single-stream block returns, as diffusers' {@code (hidden_states,
 * encoder_hidden_states)} tuple.
 *
 * @param hiddenStates latent tokens [B, N, C]
 * @param encoderHiddenStates text tokens [B, L, C]
 */
public record Streams(NDArray hiddenStates, NDArray encoderHiddenStates) { }
