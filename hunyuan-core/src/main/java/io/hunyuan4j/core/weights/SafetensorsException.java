package io.hunyuan4j.core.weights;

import io.hunyuan4j.core.HunyuanException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** A checkpoint file that is not valid safetensors, naming the file and, where known, the tensor. */
public final class SafetensorsException extends HunyuanException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final @Nullable String tensor;

    /** A malformation of {@code file} (of {@code tensor}, when one is concerned), described by {@code message}. */
    public SafetensorsException(Path file, @Nullable String tensor, String message) {
        this(file, tensor, message, null);
    }

    /** As the three-argument constructor, found through {@code cause}. */
    public SafetensorsException(Path file, @Nullable String tensor, String message, @Nullable Throwable cause) {
        super(file + (tensor == null ? "" : " [" + tensor + "]") + ": " + message, cause);
        this.file = file;
        this.tensor = tensor;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }

    /** The offending tensor name, or null when the problem is file-wide. */
    public @Nullable String tensor() {
        return tensor;
    }
}
