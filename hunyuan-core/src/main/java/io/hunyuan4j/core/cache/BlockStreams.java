package io.hunyuan4j.core.cache;

import ai.djl.ndarray.NDArray;

/**
 * The two token streams a block stack passes from block to block (diffusers' {@code (hidden_states,
 * encoder_hidden_states)} tuple).
 *
 * @param hiddenStates latent tokens [B, N, C]
 * @param encoderHiddenStates text tokens [B, L, C]
 */
public record BlockStreams(NDArray hiddenStates, NDArray encoderHiddenStates) { }
