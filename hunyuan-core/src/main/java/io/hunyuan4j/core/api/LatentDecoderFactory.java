package io.hunyuan4j.core.api;

import java.nio.file.Path;
import java.util.Set;

/**
 * Service (ServiceLoader) that builds a {@link LatentDecoder} from a diffusers {@code vae/} folder, so core
 * can load a whole model without depending on hunyuan-vae.
 */
public interface LatentDecoderFactory {

    /** @param vaeDir the {@code vae/} folder ({@code config.json} + safetensors) */
    LatentDecoder load(Path vaeDir, ComponentOptions options);

    /**
     * {@return the {@code vae} classes this factory loads}, as {@code model_index.json} names them (e.g.
     * {@code AutoencoderKLHunyuanVideo}): several families' factories can share a class path, and the loader picks the one whose names
     * include the folder's class.
     */
    Set<String> classNames();
}
