package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import java.nio.file.Path;

/** Loads the DiT of a {@code transformer/} folder. */
final class Transformers {

    private Transformers() {}

    static Denoiser load(Path transformerDir, ComponentOptions options) {
        return HunyuanVideoTransformer3D.load(transformerDir, options);
    }
}
