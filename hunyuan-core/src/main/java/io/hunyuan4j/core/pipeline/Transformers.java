package io.hunyuan4j.core.pipeline;

import java.nio.file.Path;

/** Loads the DiT of a {@code transformer/} folder. */
final class Transformers {

    private Transformers() {}

    static Denoiser load(Path transformerDir, ComponentOptions options) {
        throw new UnsupportedOperationException("loading " + transformerDir
                + " needs the HunyuanVideo DiT (io.hunyuan4j.core.transformer), which this build does not have yet");
    }
}
