package io.hunyuan4j.core.pipeline;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code model_index.json} of a diffusers-layout folder: which component folders the pipeline needs. All
 * folders are checked before anything is loaded, so a half-downloaded model fails in milliseconds with the
 * missing folder's name.
 */
final class ModelIndex {

    /** The folders {@code HunyuanVideoPipeline} loads, in load order. */
    static final List<String> COMPONENTS = List.of("scheduler", "text_encoder", "tokenizer", "text_encoder_2",
            "tokenizer_2", "transformer", "vae");

    private ModelIndex() {}

    /**
     * Checks {@code modelDir}: it holds {@code model_index.json} and every component folder.
     *
     * @throws IllegalArgumentException naming the folder and what is missing
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
        JsonObject json;
        try {
            json = JsonParser.parseString(Files.readString(index)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + index, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(index + " is not a JSON object: " + e.getMessage(), e);
        }
        List<String> missing = new ArrayList<>();
        for (String c : COMPONENTS) {
            JsonElement entry = json.get(c);
            boolean declaredNull = entry != null && entry.isJsonArray() && entry.getAsJsonArray().size() > 0
                    && entry.getAsJsonArray().get(0).isJsonNull();
            if (declaredNull || !Files.isDirectory(modelDir.resolve(c))) {
                missing.add(c + "/");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("model folder " + modelDir + " is missing component"
                    + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + " (HunyuanVideoPipeline needs " + String.join(", ", COMPONENTS) + ")");
        }
    }
}
