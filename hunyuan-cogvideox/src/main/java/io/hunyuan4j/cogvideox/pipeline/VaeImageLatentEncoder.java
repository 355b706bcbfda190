package io.hunyuan4j.cogvideox.pipeline;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.cogvideox.vae.AutoencoderKLCogVideoX;
import io.hunyuan4j.core.nn.DiagonalGaussianDistribution;
import io.hunyuan4j.core.scheduler.SchedulerNoise;

/**
 * {@link ImageLatentEncoder} over {@link AutoencoderKLCogVideoX}: diffusers'
 * {@code retrieve_latents(vae.encode(image), generator)}, the posterior's mean plus its std times one draw of
 * the generation's noise (so a recorded noise source reproduces diffusers' sample). The VAE stays owned by the
 * caller.
 */
public final class VaeImageLatentEncoder implements ImageLatentEncoder {

    private final AutoencoderKLCogVideoX vae;

    /** Encodes with {@code vae} (and the tiling it was loaded with). */
    public VaeImageLatentEncoder(AutoencoderKLCogVideoX vae) {
        this.vae = vae;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray encode(NDArray image, SchedulerNoise noise) {
        DiagonalGaussianDistribution posterior = vae.encode(image);
        NDArray eps = noise.randn(posterior.mean().getShape(), image.getManager());
        return posterior.sample(eps);
    }
}
