package io.hunyuan4j.core.transformer;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.Denoiser;
import io.hunyuan4j.core.api.DenoiserFactory;
import io.hunyuan4j.core.config.JsonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@link DenoiserFactory} service of this package: loads {@link HunyuanVideoTransformer3D} from a diffusers
 * {@code transformer/} folder, so the pipeline finds it with {@link java.util.ServiceLoader} as it finds the text
 * encoders and the VAE.
 */
public final class HunyuanVideoTransformer3DFactory implements DenoiserFactory {

    /** {@inheritDoc} */
    @Override
    public Denoiser load(Path transformerDir, ComponentOptions options) {
        return HunyuanVideoTransformer3D.load(transformerDir, options);
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> classNames() {
        return Set.of("HunyuanVideoTransformer3DModel");
    }

    /** {@inheritDoc} Any layout {@link TransformerCheckpoint} reads; FP8 included. */
    @Override
    public Denoiser loadFile(Path weights, Path configDir, ComponentOptions options) {
        Path config = configDir.resolve("config.json");
        if (Files.isRegularFile(config)) {
            return HunyuanVideoTransformer3D.load(weights, TransformerConfig.fromJson(JsonConfig.read(config)),
                    options);
        }
        return HunyuanVideoTransformer3D.fromSingleFile(weights, options);
    }
}
