/**
 * HunyuanVideo's causal 3D VAE ({@code AutoencoderKLHunyuanVideo}): encoder, decoder, the diagonal Gaussian
 * posterior, and the reference's frame-wise and spatial tiling, bound by diffusers parameter names.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py">diffusers autoencoder_kl_hunyuan_video.py</a>
 */
@NullMarked
package io.hunyuan4j.vae;

import org.jspecify.annotations.NullMarked;
