package io.hunyuan4j.core.api;

import java.nio.file.Path;
import java.util.Set;

/**
 * Service ({@link java.util.ServiceLoader}) that builds a {@link Denoiser} from a diffusers {@code transformer/}
 * folder, so the pipeline loads the DiT the way it loads the text encoders and the VAE, without depending on the
 * model's package.
 */
public interface DenoiserFactory {

    /** @param transformerDir the {@code transformer/} folder ({@code config.json} + safetensors) */
    Denoiser load(Path transformerDir, ComponentOptions options);

    /**
     * {@return the {@code transformer} classes this factory loads}, as {@code model_index.json} names them (e.g.
     * {@code HunyuanVideoTransformer3DModel}): several families' factories can share a class path, and the loader picks the one whose names
     * include the folder's class.
     */
    Set<String> classNames();
}
