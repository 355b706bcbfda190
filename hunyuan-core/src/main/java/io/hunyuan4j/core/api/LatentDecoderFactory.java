package io.hunyuan4j.core.api;


/**
 * Service (ServiceLoader) that builds a {@link LatentDecoder} from a diffusers {@code vae/} folder, so core
 * can load a whole model without depending on hunyuan-vae.
 */
public interface LatentDecoderFactory {

    /** @param vaeDir the {@code vae/} folder ({@code config.json} + safetensors) */
    LatentDecoder load(java.nio.file.Path vaeDir, ComponentOptions options);
}
