package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code model_index.json} of a diffusers-layout HunyuanVideo folder: the {@link PipelineLayout} of
 * {@code HunyuanVideoPipeline}.
 */
final class ModelIndex {

    /** The folders {@code HunyuanVideoPipeline} loads, in load order. */
    static final List<String> COMPONENTS = List.of("scheduler", "text_encoder", "tokenizer", "text_encoder_2",
            "tokenizer_2", "transformer", "vae");

    /** The pipeline class diffusers records in {@code _class_name}. */
    static final String PIPELINE_CLASS = "HunyuanVideoPipeline";

    /** The classes this SDK implements for each component ({@code [library, class]} entries). */
    static final Map<String, Set<String>> CLASSES = classes();

    /** The layout as one value. */
    static final PipelineLayout LAYOUT = new PipelineLayout(PIPELINE_CLASS, COMPONENTS, CLASSES);

    /** diffusers' {@code HunyuanVideoImageToVideoPipeline}: the LLaVA text encoder and its image processor. */
    static final String I2V_PIPELINE_CLASS = "HunyuanVideoImageToVideoPipeline";

    /** The folders {@code HunyuanVideoImageToVideoPipeline} loads, in load order. */
    static final List<String> I2V_COMPONENTS = List.of("scheduler", "text_encoder", "tokenizer", "text_encoder_2",
            "tokenizer_2", "transformer", "vae", "image_processor");

    /** The image-to-video layout. */
    static final PipelineLayout I2V_LAYOUT = new PipelineLayout(I2V_PIPELINE_CLASS, I2V_COMPONENTS, i2vClasses());

    private ModelIndex() {}

    private static Map<String, Set<String>> classes() {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        m.put("scheduler", Set.of("FlowMatchEulerDiscreteScheduler"));
        m.put("text_encoder", Set.of("LlamaModel"));
        m.put("tokenizer", Set.of("LlamaTokenizerFast", "LlamaTokenizer", "PreTrainedTokenizerFast"));
        m.put("text_encoder_2", Set.of("CLIPTextModel"));
        m.put("tokenizer_2", Set.of("CLIPTokenizer", "CLIPTokenizerFast"));
        m.put("transformer", Set.of("HunyuanVideoTransformer3DModel"));
        m.put("vae", Set.of("AutoencoderKLHunyuanVideo"));
        return Map.copyOf(m);
    }

    /** diffusers' {@code HunyuanSkyreelsImageToVideoPipeline} (SkyReels-V1 I2V): the text-to-video components. */
    static final String SKYREELS_PIPELINE_CLASS = "HunyuanSkyreelsImageToVideoPipeline";

    /** The SkyReels-V1 image-to-video layout. */
    static final PipelineLayout SKYREELS_LAYOUT = new PipelineLayout(SKYREELS_PIPELINE_CLASS, COMPONENTS, CLASSES);

    private static Map<String, Set<String>> i2vClasses() {
        Map<String, Set<String>> m = new LinkedHashMap<>(CLASSES);
        m.put("text_encoder", Set.of("LlavaForConditionalGeneration"));
        m.put("image_processor", Set.of("CLIPImageProcessor"));
        return Map.copyOf(m);
    }

    /**
     * The layout {@code _class_name} of {@code modelDir/model_index.json} names: image-to-video for
     * {@link #I2V_PIPELINE_CLASS}, SkyReels for
     * {@link #SKYREELS_PIPELINE_CLASS}, else text-to-video (whose check then names a wrong class).
     *
     * @throws IllegalArgumentException if the folder or its {@code model_index.json} is missing
     */
    static PipelineLayout layoutOf(Path modelDir) {
        String cls = PipelineLayout.pipelineClassOf(modelDir);
        return I2V_PIPELINE_CLASS.equals(cls) ? I2V_LAYOUT : SKYREELS_PIPELINE_CLASS.equals(cls) ? SKYREELS_LAYOUT
                : LAYOUT;
    }

    /**
     * Checks {@code modelDir}: it holds a valid {@code model_index.json} and every component folder.
     *
     * @throws IllegalArgumentException naming the folder and what is missing
     * @throws ConfigException if {@code model_index.json} is malformed or names classes this SDK does not load
     */
    static void check(Path modelDir) {
        LAYOUT.check(modelDir);
    }

    /**
     * Validates the content of {@code model_index.json}.
     *
     * @return the components declared {@code [null, null]}
     * @throws ConfigException naming the file, the key and the supported classes
     */
    static List<String> validate(JsonConfig index) {
        return LAYOUT.validate(index);
    }
}
