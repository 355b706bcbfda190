package io.hunyuan4j.core.api;

import ai.djl.ndarray.NDArray;

/**
 * Turns denoised latents into video. Implemented by hunyuan-vae; the pipeline only knows this interface.
 */
public interface LatentDecoder extends Component {

    /**
     * Decodes latents that are already divided by {@link #scalingFactor()}.
     *
     * @param latents [B, C, T', H', W'] float32
     * @return video [B, 3, (T'-1)*temporal+1, H'*spatial, W'*spatial] in about [-1, 1], float32, in the
     *     latents' manager
     */
    NDArray decode(NDArray latents);

    /** {@code vae.config.scaling_factor}. */
    float scalingFactor();

    /** Latent channels C. */
    int latentChannels();

    /** Temporal compression (4 for HunyuanVideo). */
    int temporalCompression();

    /** Spatial compression (8 for HunyuanVideo). */
    int spatialCompression();
}
