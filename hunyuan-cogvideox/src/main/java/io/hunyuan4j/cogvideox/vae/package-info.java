/**
 * CogVideoX's causal 3D VAE ({@code AutoencoderKLCogVideoX}): frame-batched encode and decode with conv caches, spatially conditioned decoder norms, tiling.
 */
@NullMarked
package io.hunyuan4j.cogvideox.vae;

import org.jspecify.annotations.NullMarked;
