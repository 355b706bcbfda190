package io.hunyuan4j.core.weights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Opens the weights of one diffusers component folder, single-file or sharded. */
public final class Checkpoints {

    /** The weight file names diffusers and transformers write by default, without the suffix. */
    private static final List<String> CANONICAL = List.of("diffusion_pytorch_model", "model");

    private Checkpoints() {}

    /**
     * Opens {@code path}: a {@code .safetensors} file, an {@code .index.json} file, or a component folder holding
     * exactly one {@code *.safetensors.index.json} or one {@code *.safetensors} file (diffusers writes
     * {@code diffusion_pytorch_model.safetensors}, transformers {@code model.safetensors}).
     *
     * @throws IllegalArgumentException if the path does not exist, or the folder holds no weights or is
     *     ambiguous, naming what it found
     * @throws SafetensorsException if a weight file is malformed or is not a regular file (a named pipe would
     *     otherwise block the open forever)
     * @throws java.io.UncheckedIOException if a file cannot be read
     */
    public static TensorSource open(Path path) {
        return open(path, TensorReader.DEFAULT_CHUNK_BYTES);
    }

    /** {@link #open(Path)} with a smaller fill chunk, for tests. */
    static TensorSource open(Path path, long chunkBytes) {
        if (Files.isRegularFile(path)) {
            return path.getFileName().toString().endsWith(".index.json")
                    ? ShardedSafetensors.open(path, chunkBytes) : SafetensorsFile.open(path, chunkBytes);
        }
        if (!Files.isDirectory(path)) {
            if (Files.exists(path)) {
                SafetensorsFile.requireRegularFile(path); // a pipe or device: names it, never opens it
            }
            throw new IllegalArgumentException("weights path " + path + " does not exist");
        }
        List<Path> indexes = preferCanonical(list(path, ".safetensors.index.json"), ".safetensors.index.json");
        if (indexes.size() == 1) {
            return ShardedSafetensors.open(indexes.get(0), chunkBytes);
        }
        if (indexes.size() > 1) {
            throw new IllegalArgumentException(path + " holds several index files " + indexes + "; expected one");
        }
        List<Path> files = preferCanonical(list(path, ".safetensors"), ".safetensors");
        if (files.size() == 1) {
            return SafetensorsFile.open(files.get(0), chunkBytes);
        }
        throw new IllegalArgumentException(path + (files.isEmpty()
                ? " holds no *.safetensors file and no *.safetensors.index.json"
                : " holds several *.safetensors files " + files + " but no *.safetensors.index.json"));
    }

    /**
     * Among several candidates, the reference's default file name wins over variants such as
     * {@code diffusion_pytorch_model.fp16.safetensors} (diffusers loads the default unless a variant is asked
     * for).
     */
    private static List<Path> preferCanonical(List<Path> found, String suffix) {
        if (found.size() <= 1) {
            return found;
        }
        List<Path> canonical = found.stream()
                .filter(p -> CANONICAL.stream().anyMatch(c -> p.getFileName().toString().equals(c + suffix)))
                .toList();
        return canonical.size() == 1 ? canonical : found;
    }

    private static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
