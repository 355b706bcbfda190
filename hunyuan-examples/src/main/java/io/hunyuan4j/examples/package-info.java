/**
 * Runnable programs on the SDK: the {@code hunyuan4j} command line ({@link io.hunyuan4j.examples.Cli}:
 * {@code generate}, {@code golden-check}, {@code plan-memory}) and short example programs ({@code TextToVideo},
 * {@code TextToImage}, {@code LowMemoryTextToVideo}, {@code CustomScheduler}). Applications depend on
 * {@code hunyuan-core}, {@code hunyuan-text} and {@code hunyuan-vae}, not on this module.
 */
@NullMarked
package io.hunyuan4j.examples;

import org.jspecify.annotations.NullMarked;
