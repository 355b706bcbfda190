package io.hunyuan4j.core.api;

import ai.djl.ndarray.NDArray;

/**
 * Turns pixels into latents: what image-to-video needs of the VAE beside {@link LatentDecoder}. Implemented by
 * hunyuan-vae's {@code AutoencoderKLHunyuanVideo} (with its tiling); the pipeline only knows this interface.
 */
public interface LatentEncoder {

    /**
     * diffusers {@code retrieve_latents(vae.encode(video), sample_mode="argmax")}: the mode (mean) of the latent
     * posterior, not yet multiplied by the scaling factor.
     *
     * @param video [B, 3, 4k+1, 8m, 8n] in [-1, 1], float32
     * @return [B, C, k+1, m, n] float32, in the video's manager
     */
    NDArray encodeMode(NDArray video);

    /**
     * diffusers {@code retrieve_latents(vae.encode(video), generator)} (sample mode): {@code mean + std * noise}
     * with the caller's standard-normal draw; not yet multiplied by the scaling factor. SkyReels-V1 I2V encodes its
     * image this way.
     *
     * @param video [B, 3, 4k+1, 8m, 8n] in [-1, 1], float32
     * @param noise standard normal, the latents' shape [B, C, k+1, m, n]
     * @return [B, C, k+1, m, n] float32, in the video's manager
     * @throws UnsupportedOperationException if this encoder cannot sample its posterior (the default)
     */
    default NDArray encodeSample(NDArray video, NDArray noise) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot sample its latent posterior");
    }
}
