package io.hunyuan4j.core.weights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Opens the weights of one diffusers component folder, single-file or sharded. */
public final class Checkpoints {

    private Checkpoints() {}

    /**
     * Opens {@code path}: a {@code .safetensors} file, an {@code .index.json} file, or a component folder holding
     * exactly one {@code *.safetensors.index.json} or one {@code *.safetensors} file (diffusers writes
     * {@code diffusion_pytorch_model.safetensors}, transformers {@code model.safetensors}).
     *
     * @throws IllegalArgumentException if the folder holds no weights or is ambiguous, naming what it found
     */
    public static TensorSource open(Path path) {
        if (Files.isRegularFile(path)) {
            return path.getFileName().toString().endsWith(".index.json")
                    ? ShardedSafetensors.open(path) : SafetensorsFile.open(path);
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("weights path " + path + " does not exist");
        }
        List<Path> indexes = list(path, ".safetensors.index.json");
        if (indexes.size() == 1) {
            return ShardedSafetensors.open(indexes.get(0));
        }
        if (indexes.size() > 1) {
            throw new IllegalArgumentException(path + " holds several index files " + indexes + "; expected one");
        }
        List<Path> files = list(path, ".safetensors");
        if (files.size() == 1) {
            return SafetensorsFile.open(files.get(0));
        }
        throw new IllegalArgumentException(path + (files.isEmpty()
                ? " holds no *.safetensors file and no *.safetensors.index.json"
                : " holds several *.safetensors files " + files + " but no *.safetensors.index.json"));
    }

    private static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
