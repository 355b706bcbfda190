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

    /**
     * Opens a fixture folder.
     *
     * @param dir the folder
     * @return the open fixture; close it to unmap its files
     * @throws io.hunyuan4j.core.HunyuanException if a file is malformed
     * @throws UncheckedIOException if a file is missing or cannot be read
     */
    public static GoldenFixture open(Path dir) {
        JsonConfig config = JsonConfig.read(dir.resolve("config.json"));
        Path w = dir.resolve("weights.safetensors");
        TensorSource weights = Files.isRegularFile(w) ? SafetensorsFile.open(w) : null;
        return new GoldenFixture(dir, config, weights, SafetensorsFile.open(dir.resolve("inputs.safetensors")),
                SafetensorsFile.open(dir.resolve("outputs.safetensors")));
    }

    /** {@return the folder} */
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

    /** {@return the folder's name, which is the component name} */
    public String name() {
        return dir.getFileName().toString();
    }

    /** {@return {@code config.json}} */
    public JsonConfig config() {
        return config;
    }

    /**
     * {@return {@code weights.safetensors}}
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
     * @param manager where the weights are created
     * @param options the compute dtype, which picks the loader
     * @return the bound weights
     * @throws IllegalStateException if the fixture has none
     */
    public StateDict weights(NDManager manager, GoldenOptions options) {
        return StateDict.load(weights(), manager, LoadMode.EAGER, options.computeDtype().loader(),
                dir.resolve("weights.safetensors").toString());
    }

    /** {@return {@code inputs.safetensors}} */
    public TensorSource inputs() {
        return inputs;
    }

    /** {@return {@code outputs.safetensors}: the expected values} */
    public TensorSource outputs() {
        return outputs;
    }

    /**
     * Loads one input as float32 (I64 inputs keep INT64).
     *
     * @param name the tensor's name in {@code inputs.safetensors}
     * @param manager where it is created
     * @return the tensor
     */
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
