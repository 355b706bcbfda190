/**
 * For applications' tests: {@link io.hunyuan4j.testing.TinyModel}, a real HunyuanVideo pipeline (tiny DiT, causal
 * 3D VAE, Llama and CLIP encoders) with seeded random weights, built in memory in well under a second, that
 * generates a video in seconds on a CPU and can also be written as a diffusers-layout folder. Put this artifact
 * on the test class path; it brings no logging backend.
 */
@NullMarked
package io.hunyuan4j.testing;

import org.jspecify.annotations.NullMarked;
