package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.Denoiser;
import io.hunyuan4j.core.api.DenoiserFactory;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.api.LatentDecoderFactory;
import io.hunyuan4j.core.api.ImageConditionType;
import io.hunyuan4j.core.api.PromptEncoder;
import io.hunyuan4j.core.api.PromptEncoderFactory;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.scheduler.FlowMatchEulerScheduler;
import io.hunyuan4j.core.scheduler.Scheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import java.util.function.Supplier;

/**
 * {@link VideoPipeline#fromPretrained}: checks the folder, then loads scheduler, text encoders, transformer and
 * VAE (diffusers' {@code from_pretrained} order). The text, transformer and VAE implementations come from
 * {@link ServiceLoader}, so the pipeline depends on no model: only on their interfaces in
 * {@code io.hunyuan4j.core.api}.
 */
final class PretrainedLoader {

    private PretrainedLoader() {}

    /**
     * @param transformerWeights where the DiT's weights are instead of {@code modelDir/transformer/} (a single
     *     file in any layout the factory reads), or null
     */
    static VideoPipeline.Builder load(Path modelDir, ComponentOptions options, @Nullable Path transformerWeights) {
        if (transformerWeights != null && !Files.exists(transformerWeights)) {
            throw new IllegalArgumentException("transformer weights " + transformerWeights + " do not exist");
        }
        PipelineLayout layout = ModelIndex.layoutOf(modelDir);
        layout.check(modelDir, transformerWeights == null ? Set.of() : Set.of("transformer"));
        if (layout == ModelIndex.I2V_LAYOUT
                && !Files.isRegularFile(modelDir.resolve("image_processor/preprocessor_config.json"))) {
            throw new IllegalArgumentException("model folder " + modelDir + " has no"
                    + " image_processor/preprocessor_config.json (" + layout.pipelineClass()
                    + " needs the CLIPImageProcessor config of its LLaVA text encoder)");
        }
        PromptEncoderFactory textFactory = service(PromptEncoderFactory.class,
                layout.componentClass(modelDir, "text_encoder"), PromptEncoderFactory::classNames, "hunyuan-text");
        DenoiserFactory transformerFactory = service(DenoiserFactory.class,
                layout.componentClass(modelDir, "transformer"), DenoiserFactory::classNames, "hunyuan-core");
        LatentDecoderFactory vaeFactory = service(LatentDecoderFactory.class,
                layout.componentClass(modelDir, "vae"), LatentDecoderFactory::classNames, "hunyuan-vae");
        Scheduler scheduler = FlowMatchEulerScheduler.fromJson(modelDir.resolve("scheduler/scheduler_config.json"));
        Supplier<PromptEncoder> text = () -> textFactory.load(modelDir, options);
        PromptEncoder textEncoder = text.get();
        Denoiser transformer = null;
        try {
            String model = modelDir.toAbsolutePath().normalize().toString();
            if (transformerWeights == null) {
                transformer = transformerFactory.load(modelDir.resolve("transformer"), options);
            } else {
                transformer = transformerFactory.loadFile(transformerWeights, modelDir.resolve("transformer"), options);
                model += " (transformer " + transformerWeights.toAbsolutePath().normalize() + ")";
            }
            if (layout == ModelIndex.I2V_LAYOUT && transformer.imageConditionType() == ImageConditionType.NONE) {
                throw new ConfigException(modelDir.resolve("transformer/config.json") + ": \"image_condition_type\""
                        + " is null but " + layout.pipelineClass() + " needs an image-to-video transformer"
                        + " (\"latent_concat\" or \"token_replace\")");
            }
            LatentDecoder vae = vaeFactory.load(modelDir.resolve("vae"), options);
            if (layout == ModelIndex.SKYREELS_LAYOUT && !ImageToVideo.isSkyreels(transformer, vae)) {
                vae.close();
                throw new ConfigException(modelDir.resolve("transformer/config.json") + ": in_channels "
                        + transformer.inChannels() + ", image_condition_type " + transformer.imageConditionType()
                        .configValue() + "; " + layout.pipelineClass() + " needs in_channels = 2 x the VAE's"
                        + " latent_channels (" + 2 * vae.latentChannels() + ") and image_condition_type null");
            }
            return VideoPipeline.builder(transformer, textEncoder, vae).scheduler(scheduler)
                    .device(options.device()).computeDtype(options.computeDtype())
                    .model(model).textEncoderLoader(text);
        } catch (RuntimeException e) {
            textEncoder.close();
            if (transformer != null) {
                transformer.close();
            }
            throw e;
        }
    }

    /** The first {@code type} service on the class path that loads {@code className}. */
    static <T> T service(Class<T> type, String className, Function<T, Set<String>> names, String module) {
        for (T candidate : ServiceLoader.load(type)) {
            if (names.apply(candidate).contains(className)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + type.getSimpleName() + " for " + className
                + " on the class path; add the io.hunyuan4j:" + module + " dependency");
    }
}
