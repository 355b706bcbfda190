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

    /**
     * Loads the denoiser from weights outside a {@code transformer/} folder: a single file, index or folder in
     * any layout the implementation reads (e.g. Tencent's original key names, FP8), configured by
     * {@code configDir/config.json} when that exists, else by the shapes of the weights.
     *
     * @throws UnsupportedOperationException if this factory reads only diffusers folders
     */
    default Denoiser loadFile(Path weights, Path configDir, ComponentOptions options) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " reads only diffusers folders, not "
                + weights);
    }
}
