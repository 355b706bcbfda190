package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.Denoiser;
import io.hunyuan4j.core.api.DenoiserFactory;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.api.LatentDecoderFactory;
import io.hunyuan4j.core.api.PromptEncoder;
import io.hunyuan4j.core.api.PromptEncoderFactory;
import io.hunyuan4j.core.scheduler.FlowMatchEulerScheduler;
import io.hunyuan4j.core.scheduler.Scheduler;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * {@link VideoPipeline#fromPretrained}: checks the folder, then loads scheduler, text encoders, transformer and
 * VAE (diffusers' {@code from_pretrained} order). The text, transformer and VAE implementations come from
 * {@link ServiceLoader}, so the pipeline depends on no model: only on their interfaces in
 * {@code io.hunyuan4j.core.api}.
 */
final class PretrainedLoader {

    private PretrainedLoader() {}

    static VideoPipeline.Builder load(Path modelDir, ComponentOptions options) {
        ModelIndex.check(modelDir);
        PromptEncoderFactory textFactory = service(PromptEncoderFactory.class, "hunyuan-text");
        DenoiserFactory transformerFactory = service(DenoiserFactory.class, "hunyuan-core");
        LatentDecoderFactory vaeFactory = service(LatentDecoderFactory.class, "hunyuan-vae");
        Scheduler scheduler = FlowMatchEulerScheduler.fromJson(modelDir.resolve("scheduler/scheduler_config.json"));
        Supplier<PromptEncoder> text = () -> textFactory.load(modelDir, options);
        PromptEncoder textEncoder = text.get();
        Denoiser transformer = null;
        try {
            transformer = transformerFactory.load(modelDir.resolve("transformer"), options);
            LatentDecoder vae = vaeFactory.load(modelDir.resolve("vae"), options);
            return VideoPipeline.builder(transformer, textEncoder, vae).scheduler(scheduler)
                    .device(options.device()).computeDtype(options.computeDtype())
                    .model(modelDir.toAbsolutePath().normalize().toString()).textEncoderLoader(text);
        } catch (RuntimeException e) {
            textEncoder.close();
            if (transformer != null) {
                transformer.close();
            }
            throw e;
        }
    }

    private static <T> T service(Class<T> type, String module) {
        return ServiceLoader.load(type).findFirst().orElseThrow(() -> new IllegalStateException("no "
                + type.getSimpleName() + " on the class path; add the io.hunyuan4j:" + module + " dependency"));
    }
}
