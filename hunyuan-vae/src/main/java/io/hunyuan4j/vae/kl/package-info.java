/**
 * The SD/SDXL 2D KL VAE ({@code AutoencoderKL}) that HunyuanDiT uses (sdxl-vae-fp16-fix): encoder, decoder,
 * their down/up/mid blocks, and diffusers' tiled encode and decode, bound by diffusers parameter names. The
 * mid-block attention, the GroupNorm, the posterior and the spatial tiling pass are shared with the HunyuanVideo
 * VAE in {@code io.hunyuan4j.vae}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl.py">diffusers autoencoder_kl.py</a>
 */
@NullMarked
package io.hunyuan4j.vae.kl;

import org.jspecify.annotations.NullMarked;
