/**
 * CogVideoX's denoiser ({@code CogVideoXTransformer3DModel}): expert adaptive LayerNorm blocks over joint text-video tokens, sin-cos or 3D RoPE positions.
 */
@NullMarked
package io.hunyuan4j.cogvideox.transformer;

import org.jspecify.annotations.NullMarked;
