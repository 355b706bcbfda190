package io.hunyuan4j.cogvideox.pipeline;

import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformer3DModel;
import io.hunyuan4j.cogvideox.vae.AutoencoderKLCogVideoX;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Generator;
import io.hunyuan4j.core.pipeline.PipelineFamily;
import io.hunyuan4j.core.pipeline.PipelineLayout;
import io.hunyuan4j.core.scheduler.CogVideoXDDIMScheduler;
import io.hunyuan4j.core.scheduler.CogVideoXDPMScheduler;
import io.hunyuan4j.core.scheduler.CogVideoXScheduler;
import io.hunyuan4j.core.scheduler.CogVideoXSchedulerConfig;
import io.hunyuan4j.text.cogvideox.CogVideoXPromptEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CogVideoX family: diffusers {@code CogVideoXPipeline} and {@code CogVideoXImageToVideoPipeline} folders,
 * loaded as a {@link CogVideoXPipeline} (scheduler, T5 prompt encoder, transformer, VAE; image-to-video also
 * encodes its image with the VAE). The folder is checked against its {@link PipelineLayout} before any weight
 * is read.
 */
public final class CogVideoXFamily implements PipelineFamily {

    /** diffusers' text-to-video pipeline class. */
    public static final String TEXT_TO_VIDEO = "CogVideoXPipeline";

    /** diffusers' image-to-video pipeline class. */
    public static final String IMAGE_TO_VIDEO = "CogVideoXImageToVideoPipeline";

    /** The component folders, in load order. */
    public static final List<String> COMPONENTS = List.of("scheduler", "text_encoder", "tokenizer", "transformer",
            "vae");

    /** {@inheritDoc} */
    @Override
    public String name() {
        return CogVideoXPipeline.FAMILY;
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> pipelineClasses() {
        return Set.of(TEXT_TO_VIDEO, IMAGE_TO_VIDEO);
    }

    /** The layout of a {@code pipelineClass} folder: component folders and the classes this SDK loads. */
    public static PipelineLayout layout(String pipelineClass) {
        Map<String, Set<String>> classes = new LinkedHashMap<>();
        classes.put("scheduler", Set.of("CogVideoXDDIMScheduler", "CogVideoXDPMScheduler"));
        classes.put("text_encoder", Set.of("T5EncoderModel"));
        classes.put("tokenizer", Set.of("T5Tokenizer", "T5TokenizerFast"));
        classes.put("transformer", Set.of("CogVideoXTransformer3DModel"));
        classes.put("vae", Set.of("AutoencoderKLCogVideoX"));
        return new PipelineLayout(pipelineClass, COMPONENTS, classes);
    }

    /**
     * {@inheritDoc} The scheduler class comes from {@code model_index.json} (else the scheduler config's
     * {@code _class_name}, else DDIM); {@code use_dynamic_cfg} stays diffusers' default (false).
     */
    @Override
    public Generator load(Path modelDir, ComponentOptions options, Offload offload) {
        String pipelineClass = PipelineLayout.pipelineClassOf(modelDir);
        boolean i2v = IMAGE_TO_VIDEO.equals(pipelineClass);
        PipelineLayout layout = layout(i2v ? IMAGE_TO_VIDEO : TEXT_TO_VIDEO);
        layout.check(modelDir);
        CogVideoXScheduler scheduler = scheduler(modelDir, layout.componentClass(modelDir, "scheduler"));
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            CogVideoXPromptEncoder text = CogVideoXPromptEncoder.load(modelDir, options);
            opened.add(text);
            CogVideoXTransformer3DModel transformer = CogVideoXTransformer3DModel.load(
                    modelDir.resolve("transformer"), options);
            opened.add(transformer);
            AutoencoderKLCogVideoX vae = AutoencoderKLCogVideoX.load(modelDir.resolve("vae"), options);
            opened.add(vae);
            CogVideoXPipeline.Builder b = CogVideoXPipeline.builder(transformer, scheduler, vae).promptEncoder(text)
                    .offload(offload).device(options.device()).model(modelDir.toString());
            if (i2v) {
                b.imageEncoder(new VaeImageLatentEncoder(vae), vae.config().invertScaleLatents());
            }
            for (AutoCloseable c : opened) {
                b.owns(c);
            }
            return b.build();
        } catch (RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static CogVideoXScheduler scheduler(Path modelDir, String className) {
        JsonConfig json = JsonConfig.read(modelDir.resolve("scheduler/scheduler_config.json"));
        CogVideoXSchedulerConfig config = CogVideoXSchedulerConfig.fromJson(json);
        return className.equals("CogVideoXDPMScheduler") ? new CogVideoXDPMScheduler(config)
                : new CogVideoXDDIMScheduler(config);
    }

    /** {@inheritDoc} */
    @Override
    public GenerationRequest request(String prompt) {
        return CogVideoXPipeline.defaults(prompt);
    }
}
