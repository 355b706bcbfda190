package io.hunyuan4j.core.offload;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.hunyuan4j.core.config.JsonConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names and shapes of a published checkpoint, without its data ({@code ../shared/golden/manifests/*.json}):
 * {@code {"config": {...}, "tensors": {"name": {"shape": [...]}, ...}}}.
 *
 * @param component the file's base name, e.g. {@code transformer}
 * @param config the component's {@code config.json}
 * @param tensors name to shape, in file order
 */
public record Manifest(String component, JsonConfig config, Map<String, Shape> tensors) {

    /** Copies the tensor map. */
    public Manifest {
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** Reads {@code dir/<component>.json}. */
    public static Manifest read(Path dir, String component) {
        Path file = dir.resolve(component + ".json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("manifest " + file + " not found (expected " + component
                    + ".json in " + dir + ")");
        }
        try {
            JsonConfig all = JsonConfig.parse(file.toString(), Files.readString(file));
            JsonObject t = all.object("tensors").json();
            Map<String, Shape> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : t.entrySet()) {
                var arr = e.getValue().getAsJsonObject().getAsJsonArray("shape");
                long[] dims = new long[arr.size()];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = arr.get(i).getAsLong();
                }
                tensors.put(e.getKey(), new Shape(dims));
            }
            return new Manifest(component, all.object("config"), tensors);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Total parameter count. */
    public long parameters() {
        return tensors.values().stream().mapToLong(Shape::size).sum();
    }
}
