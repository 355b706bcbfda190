package io.hunyuan4j.core.lora;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One active LoRA adapter of a pipeline, as provenance records it.
 *
 * @param name the adapter's name (by default the file's name without {@code .safetensors})
 * @param file the file it was read from
 * @param weight its weight: the layer computes {@code W + weight * (alpha / r) * B A}
 */
public record LoraWeight(String name, Path file, float weight) {

    public LoraWeight {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        if (!Float.isFinite(weight)) {
            throw new IllegalArgumentException("LoRA weight must be finite but is " + weight + " for " + name);
        }
    }

    /** {@code name:weight}, as a command line would write it. */
    @Override
    public String toString() {
        return name + ":" + weight + " (" + file + ")";
    }
}
