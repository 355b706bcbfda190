package io.hunyuan4j.examples;

import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.golden.GoldenOptions;
import io.hunyuan4j.core.pipeline.Denoiser;
import io.hunyuan4j.core.pipeline.LatentDecoder;
import io.hunyuan4j.core.weights.TensorSource;

/**
 * Builds the pipeline fixture's DiT and VAE from a {@code config.json} section and a prefix-stripped weight
 * source: the only place {@link PipelineGolden} names concrete model classes.
 */
final class FixtureComponents {

    private FixtureComponents() {}

    static Denoiser transformer(JsonConfig config, TensorSource weights, GoldenOptions options) {
        throw new UnsupportedOperationException("the pipeline fixture needs the HunyuanVideo DiT"
                + " (io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D), not in this build");
    }

    static LatentDecoder vae(JsonConfig config, TensorSource weights, GoldenOptions options) {
        throw new UnsupportedOperationException("the pipeline fixture needs the HunyuanVideo VAE"
                + " (io.hunyuan4j.vae.AutoencoderKLHunyuanVideo), not in this build");
    }
}
