package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.SafetensorsFile;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * One fixture folder: {@code config.json}, {@code weights.safetensors} (absent for weightless components),
 * {@code inputs.safetensors} and {@code outputs.safetensors}.
 */
public final class GoldenFixture implements AutoCloseable {

    private final Path dir;
    private final JsonConfig config;
    private final @Nullable TensorSource weights;
    private final TensorSource inputs;
    private final TensorSource outputs;

    private GoldenFixture(Path dir, JsonConfig config, @Nullable TensorSource weights, TensorSource inputs,
            TensorSource outputs) {
        this.dir = dir;
        this.config = config;
        this.weights = weights;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /** Opens a fixture folder. */
    public static GoldenFixture open(Path dir) {
        JsonConfig config = JsonConfig.read(dir.resolve("config.json"));
        Path w = dir.resolve("weights.safetensors");
        TensorSource weights = Files.isRegularFile(w) ? SafetensorsFile.open(w) : null;
        return new GoldenFixture(dir, config, weights, SafetensorsFile.open(dir.resolve("inputs.safetensors")),
                SafetensorsFile.open(dir.resolve("outputs.safetensors")));
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /**
     * The folder's {@code README.md}, where the generator states in prose the settings that are not diffusers
     * config keys (tiling arguments, layer skips).
     *
     * @return the text, or the empty string when the fixture has no README
     * @throws UncheckedIOException if the file exists but cannot be read
     */
    public String readme() {
        Path readme = dir.resolve("README.md");
        if (!Files.isRegularFile(readme)) {
            return "";
        }
        try {
            return Files.readString(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(readme + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The folder's name, which is the component name. */
    public String name() {
        return dir.getFileName().toString();
    }

    /** {@code config.json}. */
    public JsonConfig config() {
        return config;
    }

    /**
     * {@code weights.safetensors}.
     *
     * @throws IllegalStateException if the fixture has none
     */
    public TensorSource weights() {
        if (weights == null) {
            throw new IllegalStateException(dir + ": fixture has no weights.safetensors");
        }
        return weights;
    }

    /**
     * {@code weights.safetensors} bound eagerly into {@code manager} with the loader of
     * {@code options.computeDtype()}, labelled by the file's path; the module built from it checks the binding.
     *
     * @throws IllegalStateException if the fixture has none
     */
    public StateDict weights(NDManager manager, GoldenOptions options) {
        return StateDict.load(weights(), manager, LoadMode.EAGER, options.computeDtype().loader(),
                dir.resolve("weights.safetensors").toString());
    }

    /** {@code inputs.safetensors}. */
    public TensorSource inputs() {
        return inputs;
    }

    /** {@code outputs.safetensors}: the expected values. */
    public TensorSource outputs() {
        return outputs;
    }

    /** Loads one input as float32 (I64 inputs keep INT64). */
    public NDArray input(String name, NDManager manager) {
        var info = inputs.info(name);
        DataType t = info.dtype().isFloating() ? DataType.FLOAT32 : DataType.INT64;
        return inputs.load(name, manager, t);
    }

    @Override
    public void close() {
        if (weights != null) {
            weights.close();
        }
        inputs.close();
        outputs.close();
    }
}
