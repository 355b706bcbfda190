package io.hunyuan4j.golden;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.Denoiser;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.transformer.TransformerConfig;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.TensorSource;
import io.hunyuan4j.vae.AutoencoderKLHunyuanVideo;
import io.hunyuan4j.vae.VaeConfig;
import io.hunyuan4j.vae.VaeTiling;

/**
 * Builds the pipeline fixture's DiT and VAE from a {@code config.json} section and a prefix-stripped weight
 * source: the only place {@link PipelineGolden} names concrete model classes. Both bind strictly (every name
 * used once, every shape checked) and eagerly; the caller keeps owning {@code weights}.
 */
final class FixtureComponents {

    private FixtureComponents() {}

    static Denoiser transformer(JsonConfig config, TensorSource weights, GoldenOptions options) {
        return HunyuanVideoTransformer3D.fromWeights(TransformerConfig.fromJson(config), weights,
                componentOptions(options), "golden/pipeline weights.safetensors [transformer.*]");
    }

    /** diffusers' default VAE (frame-wise decoding on, spatial tiling off): what the fixture's pipeline used. */
    static LatentDecoder vae(JsonConfig config, TensorSource weights, GoldenOptions options) {
        return AutoencoderKLHunyuanVideo.fromWeights(VaeConfig.fromJson(config), weights, componentOptions(options),
                VaeTiling.defaults());
    }

    private static ComponentOptions componentOptions(GoldenOptions options) {
        return new ComponentOptions(options.device(), options.computeDtype(), LoadMode.EAGER);
    }
}
