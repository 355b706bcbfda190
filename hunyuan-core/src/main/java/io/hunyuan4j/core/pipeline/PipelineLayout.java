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
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one diffusers pipeline class keeps in its folder: the {@code _class_name} of its
 * {@code model_index.json}, the component folders it loads, and the classes this SDK implements for each
 * ({@code [library, class]} entries). {@link #check} refuses a half-downloaded model, or a folder of another
 * pipeline, in milliseconds with the folder or key named, before any weight is read.
 *
 * @param pipelineClass diffusers' pipeline class, e.g. {@code HunyuanVideoPipeline}
 * @param components the component folders, in load order
 * @param classes for each component, the classes this SDK loads
 */
public record PipelineLayout(String pipelineClass, List<String> components, Map<String, Set<String>> classes) {

    /** Copies the collections; every component has its classes. */
    public PipelineLayout {
        components = List.copyOf(components);
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        classes.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
        classes = Map.copyOf(copy);
        for (String c : components) {
            if (!classes.containsKey(c)) {
                throw new IllegalArgumentException("component " + c + " of " + pipelineClass + " has no classes");
            }
        }
    }

    /**
     * {@return {@code _class_name} of {@code modelDir/model_index.json}}, or {@code null} when the file omits it.
     *
     * @throws IllegalArgumentException if the folder or its {@code model_index.json} does not exist
     * @throws ConfigException if {@code model_index.json} is malformed
     */
    public static @Nullable String pipelineClassOf(Path modelDir) {
        return readIndex(modelDir).getStringOrNull("_class_name");
    }

    private static JsonConfig readIndex(Path modelDir) {
        if (!Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException("model folder " + modelDir + " does not exist");
        }
        Path index = modelDir.resolve("model_index.json");
        if (!Files.isRegularFile(index)) {
            throw new IllegalArgumentException("model folder " + modelDir + " has no model_index.json;"
                    + " expected a diffusers-layout folder");
        }
        return JsonConfig.read(index);
    }

    /**
     * Checks {@code modelDir}: it holds a valid {@code model_index.json} of this pipeline and every component
     * folder.
     *
     * @throws IllegalArgumentException naming the folder and what is missing
     * @throws ConfigException if {@code model_index.json} is malformed or names classes this SDK does not load
     */
    public void check(Path modelDir) {
        check(modelDir, Set.of());
    }

    /**
     * As {@link #check(Path)}, for a load that takes the {@code supplied} components from elsewhere (e.g. a
     * single-file transformer): their folders may be absent or declared {@code [null, null]}; their class
     * entries are still validated when present.
     */
    public void check(Path modelDir, Set<String> supplied) {
        List<String> declaredNull = validate(readIndex(modelDir));
        List<String> missing = new ArrayList<>();
        for (String c : components) {
            if (supplied.contains(c)) {
                continue;
            }
            if (declaredNull.contains(c) || !Files.isDirectory(modelDir.resolve(c))) {
                missing.add(c + "/");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("model folder " + modelDir + " is missing component"
                    + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + " (" + pipelineClass + " needs " + String.join(", ", components) + ")");
        }
    }

    /**
     * Validates the content of {@code model_index.json}: {@code _class_name}, when present, is this pipeline's;
     * each component entry, when present, is {@code [library, class]} with a class this SDK loads, or
     * {@code [null, null]} (diffusers' "not saved").
     *
     * @return the components declared {@code [null, null]}
     * @throws ConfigException naming the file, the key and the supported classes
     */
    public List<String> validate(JsonConfig index) {
        String pipeline = index.getStringOrNull("_class_name");
        index.require(pipeline == null || pipeline.equals(pipelineClass), "_class_name",
                "this loader reads " + pipelineClass + " folders");
        List<String> declaredNull = new ArrayList<>();
        for (String c : components) {
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
            Set<String> supported = classes.get(c);
            index.require(supported != null && supported.contains(pair.get(1).getAsString()), c,
                    "supported classes: " + (supported == null ? List.of() : supported.stream().sorted().toList()));
        }
        return declaredNull;
    }

    /**
     * {@return the class {@code model_index.json} names for {@code component}}, or the first of this layout's
     * classes (sorted) when the file does not name one.
     */
    public String componentClass(Path modelDir, String component) {
        JsonConfig index = readIndex(modelDir);
        if (index.has(component) && index.json().get(component).isJsonArray()) {
            JsonArray pair = index.json().get(component).getAsJsonArray();
            if (pair.size() == 2 && pair.get(1).isJsonPrimitive()) {
                return pair.get(1).getAsString();
            }
        }
        Set<String> supported = classes.get(component);
        if (supported == null) {
            throw new IllegalArgumentException(pipelineClass + " has no component " + component);
        }
        return supported.stream().sorted().findFirst().orElseThrow();
    }
}
