package io.hunyuan4j.core.pipeline;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code model_index.json} of a diffusers-layout folder: which component folders the pipeline needs and which
 * classes they hold. All folders and class names are checked before anything is loaded, so a half-downloaded
 * model, or a folder of another pipeline, fails in milliseconds with the folder or key named.
 */
final class ModelIndex {

    /** The folders {@code HunyuanVideoPipeline} loads, in load order. */
    static final List<String> COMPONENTS = List.of("scheduler", "text_encoder", "tokenizer", "text_encoder_2",
            "tokenizer_2", "transformer", "vae");

    /** The pipeline class diffusers records in {@code _class_name}. */
    static final String PIPELINE_CLASS = "HunyuanVideoPipeline";

    /** The classes this SDK implements for each component ({@code [library, class]} entries). */
    static final Map<String, Set<String>> CLASSES = classes();

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

    /**
     * Checks {@code modelDir}: it holds a valid {@code model_index.json} and every component folder.
     *
     * @throws IllegalArgumentException naming the folder and what is missing
     * @throws ConfigException if {@code model_index.json} is malformed or names classes this SDK does not load
     */
    static void check(Path modelDir) {
        if (!Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException("model folder " + modelDir + " does not exist");
        }
        Path index = modelDir.resolve("model_index.json");
        if (!Files.isRegularFile(index)) {
            throw new IllegalArgumentException("model folder " + modelDir + " has no model_index.json;"
                    + " expected a diffusers-layout HunyuanVideo folder");
        }
        List<String> declaredNull = validate(JsonConfig.read(index));
        List<String> missing = new ArrayList<>();
        for (String c : COMPONENTS) {
            if (declaredNull.contains(c) || !Files.isDirectory(modelDir.resolve(c))) {
                missing.add(c + "/");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("model folder " + modelDir + " is missing component"
                    + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + " (HunyuanVideoPipeline needs " + String.join(", ", COMPONENTS) + ")");
        }
    }

    /**
     * Validates the content of {@code model_index.json}: {@code _class_name}, when present, is
     * {@value #PIPELINE_CLASS}; each component entry, when present, is {@code [library, class]} with a class this
     * SDK loads, or {@code [null, null]} (diffusers' "not saved").
     *
     * @return the components declared {@code [null, null]}
     * @throws ConfigException naming the file, the key and the supported classes
     */
    static List<String> validate(JsonConfig index) {
        String pipeline = index.getStringOrNull("_class_name");
        index.require(pipeline == null || pipeline.equals(PIPELINE_CLASS), "_class_name",
                "this SDK loads " + PIPELINE_CLASS + " folders");
        List<String> declaredNull = new ArrayList<>();
        for (String c : COMPONENTS) {
            if (!index.has(c)) {
                continue;
            }
            JsonElement e = index.json().get(c);
            index.require(e.isJsonArray() && e.getAsJsonArray().size() == 2, c,
                    "must be a [library, class] pair");
            JsonArray pair = e.getAsJsonArray();
            if (pair.get(0).isJsonNull() && pair.get(1).isJsonNull()) {
                declaredNull.add(c);
                continue;
            }
            boolean strings = pair.get(0).isJsonPrimitive() && pair.get(0).getAsJsonPrimitive().isString()
                    && pair.get(1).isJsonPrimitive() && pair.get(1).getAsJsonPrimitive().isString();
            index.require(strings, c, "must be a [library, class] pair of strings");
            Set<String> supported = Objects.requireNonNull(CLASSES.get(c), c); // CLASSES covers COMPONENTS
            index.require(supported.contains(pair.get(1).getAsString()), c,
                    "supported classes: " + supported.stream().sorted().toList());
        }
        return declaredNull;
    }
}
