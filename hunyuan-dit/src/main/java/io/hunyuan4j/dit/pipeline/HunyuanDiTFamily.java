package io.hunyuan4j.dit.pipeline;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Generator;
import io.hunyuan4j.core.pipeline.PipelineFamily;
import io.hunyuan4j.core.pipeline.PipelineLayout;
import io.hunyuan4j.core.scheduler.DDPMScheduler;
import io.hunyuan4j.core.scheduler.DDPMSchedulerConfig;
import io.hunyuan4j.dit.transformer.HunyuanDiT2DModel;
import io.hunyuan4j.text.hunyuandit.HunyuanDiTPromptEncoder;
import io.hunyuan4j.vae.kl.AutoencoderKL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HunyuanDiT family: {@code HunyuanDiTPipeline} folders of the diffusers layout (scheduler
 * {@code DDPMScheduler}, text_encoder {@code BertModel} + tokenizer, text_encoder_2 {@code T5EncoderModel} (mT5) +
 * tokenizer_2, transformer {@code HunyuanDiT2DModel}, vae {@code AutoencoderKL}), loaded as a
 * {@link HunyuanDiTPipeline}. The folder is checked against {@link #LAYOUT} before any weight is read.
 */
public final class HunyuanDiTFamily implements PipelineFamily {

    /** The name {@link io.hunyuan4j.core.pipeline.Pipelines#family(String)} and the CLI's {@code --family} use. */
    public static final String NAME = "hunyuandit";

    /** diffusers' pipeline class. */
    public static final String PIPELINE_CLASS = "HunyuanDiTPipeline";

    /** The components this family loads and the classes it implements for each. */
    public static final PipelineLayout LAYOUT = new PipelineLayout(PIPELINE_CLASS,
            List.of("scheduler", "text_encoder", "tokenizer", "text_encoder_2", "tokenizer_2", "transformer", "vae"),
            Map.of("scheduler", Set.of("DDPMScheduler"),
                    "text_encoder", Set.of("BertModel"),
                    "tokenizer", Set.of("BertTokenizer", "BertTokenizerFast"),
                    "text_encoder_2", Set.of("T5EncoderModel", "MT5EncoderModel"),
                    "tokenizer_2", Set.of("T5Tokenizer", "T5TokenizerFast", "MT5Tokenizer", "MT5TokenizerFast"),
                    "transformer", Set.of("HunyuanDiT2DModel"),
                    "vae", Set.of("AutoencoderKL")));

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> pipelineClasses() {
        return Set.of(PIPELINE_CLASS);
    }

    /**
     * {@inheritDoc} The transformer and the VAE are bound in the offload mode's load mode (LAZY for MODEL and
     * BLOCK); the text encoders as {@code options} ask.
     */
    @Override
    public Generator load(Path modelDir, ComponentOptions options, Offload offload) {
        LAYOUT.check(modelDir);
        DDPMScheduler scheduler = new DDPMScheduler(DDPMSchedulerConfig.fromJson(
                JsonConfig.read(modelDir.resolve("scheduler/scheduler_config.json"))));
        ComponentOptions placed = new ComponentOptions(options.device(), options.computeDtype(),
                offload.loadMode(options.loadMode()));
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            HunyuanDiTPromptEncoder encoder = HunyuanDiTPromptEncoder.load(modelDir, options);
            opened.add(encoder);
            HunyuanDiT2DModel transformer = HunyuanDiT2DModel.load(modelDir.resolve("transformer"), placed);
            opened.add(transformer);
            AutoencoderKL vae = AutoencoderKL.load(modelDir.resolve("vae"), placed);
            opened.add(vae);
            return HunyuanDiTPipeline.builder(transformer, vae).scheduler(scheduler).promptEncoder(encoder)
                    .offload(offload).device(options.device()).model(modelDir.toString()).build();
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** {@inheritDoc} */
    @Override
    public GenerationRequest request(String prompt) {
        return HunyuanDiTPipeline.defaults(prompt);
    }
}
