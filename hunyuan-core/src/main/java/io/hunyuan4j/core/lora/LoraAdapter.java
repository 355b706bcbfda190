package io.hunyuan4j.core.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.RemappedTensors;
import io.hunyuan4j.core.weights.TensorSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One LoRA file, checked against a transformer and named the diffusers way ({@link LoraKeys}): for each adapted
 * linear layer its rank r, its alpha and its {@code lora_A [r, in]} and {@code lora_B [out, r]}. The layer's
 * weight becomes {@code W + weight * (alpha / r) * B A}.
 *
 * <p>Alpha, per module: the file's {@code <module>.alpha} tensor (kohya), else {@code alpha_pattern} or
 * {@code lora_alpha} of a PEFT {@code adapter_config.json} beside the file, else r (a scale of 1, what diffusers
 * assumes without alphas).
 */
public final class LoraAdapter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoraAdapter.class);

    /**
     * One adapted layer.
     *
     * @param module diffusers module path, e.g. {@code transformer_blocks.0.attn.to_q}
     * @param rank r
     * @param alpha the module's alpha
     */
    public record Module(String module, long rank, float alpha) {
        /** alpha / r. */
        public float scale() {
            return alpha / rank;
        }
    }

    private final Path file;
    private final LoraLayout layout;
    private final RemappedTensors tensors;
    private final Map<String, Module> modules;
    private final List<String> skipped;

    private LoraAdapter(Path file, LoraLayout layout, RemappedTensors tensors, Map<String, Module> modules,
            List<String> skipped) {
        this.file = file;
        this.layout = layout;
        this.tensors = tensors;
        this.modules = modules;
        this.skipped = List.copyOf(skipped);
    }

    /**
     * Opens and checks {@code file} against a transformer.
     *
     * @param linearShapes the transformer's linear layers: module path to weight shape {@code [out, in]}
     * @param innerDim the transformer's inner dim
     * @throws LoraException listing unknown keys, unmatched modules, incomplete modules or shape mismatches
     */
    public static LoraAdapter open(Path file, Map<String, Shape> linearShapes, long innerDim) {
        return open(file, linearShapes, innerDim, UnmatchedKeys.FAIL);
    }

    /**
     * Opens and checks {@code file} against a transformer, failing on or skipping keys that do not fit as
     * {@code unmatched} says.
     *
     * @throws LoraException listing unknown keys and unmatched modules ({@link UnmatchedKeys#FAIL}), incomplete
     *     modules or shape mismatches
     */
    public static LoraAdapter open(Path file, Map<String, Shape> linearShapes, long innerDim,
            UnmatchedKeys unmatched) {
        TensorSource source = Checkpoints.open(file);
        try {
            return check(file, source, linearShapes, innerDim, unmatched);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /**
     * Checks the tensors of an opened adapter ({@code file} names it in messages); the adapter owns
     * {@code source} from here on.
     */
    static LoraAdapter check(Path file, TensorSource source, Map<String, Shape> linearShapes, long innerDim,
            UnmatchedKeys policy) {
        LoraKeys.Canonical c = LoraKeys.canonical(source, innerDim);
        List<String> skipped = new ArrayList<>();
        if (!c.unknown().isEmpty()) {
            if (policy == UnmatchedKeys.FAIL) {
                throw new LoraException(file, LoraException.Kind.UNKNOWN_KEYS, c.unknown(), "");
            }
            skipped.addAll(c.unknown());
        }
        RemappedTensors view = RemappedTensors.of(source, c.mapping());
        Map<String, String> storedOf = new LinkedHashMap<>();
        TreeSet<String> moduleNames = new TreeSet<>();
        for (String n : view.names()) {
            moduleNames.add(n.substring(0, n.lastIndexOf(n.endsWith(".alpha") ? ".alpha" : ".lora_")));
            storedOf.put(n, view.sourceOf(n));
        }
        List<String> unmatched = new ArrayList<>();
        List<String> incomplete = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        JsonObject peft = peftConfig(file);
        Map<String, Module> modules = new LinkedHashMap<>();
        for (String m : moduleNames) {
            String a = m + ".lora_A.weight";
            String b = m + ".lora_B.weight";
            Shape w = linearShapes.get(m);
            if (w == null) {
                unmatched.add(m + " (from " + storedOf.getOrDefault(a, storedOf.getOrDefault(b, m)) + ")");
                for (String part : List.of(a, b, m + ".alpha")) {
                    if (storedOf.containsKey(part) && !skipped.contains(storedOf.get(part))) {
                        skipped.add(storedOf.get(part));
                    }
                }
                continue;
            }
            if (!view.names().contains(a) || !view.names().contains(b)) {
                incomplete.add(m + (view.names().contains(a) ? " lacks lora_B" : " lacks lora_A"));
                continue;
            }
            long[] sa = view.info(a).shape().getShape();
            long[] sb = view.info(b).shape().getShape();
            if (sa.length != 2 || sb.length != 2 || sa[0] != sb[1] || sa[1] != w.get(1) || sb[0] != w.get(0)) {
                shapes.add(m + ": lora_A " + Arrays.toString(sa) + " (" + storedOf.get(a) + "), lora_B "
                        + Arrays.toString(sb) + " (" + storedOf.get(b) + "); the layer's weight is "
                        + Arrays.toString(w.getShape()) + ", so A must be [r, " + w.get(1) + "] and B ["
                        + w.get(0) + ", r]");
                continue;
            }
            modules.put(m, new Module(m, sa[0], alpha(view, m, sa[0], peft)));
        }
        if (!unmatched.isEmpty() && (policy == UnmatchedKeys.FAIL || modules.isEmpty() && shapes.isEmpty()
                && incomplete.isEmpty())) {
            throw new LoraException(file, LoraException.Kind.UNMATCHED_MODULES, unmatched,
                    policy == UnmatchedKeys.FAIL ? "; is this an adapter for another model?"
                            : "; no module of the file matches this transformer");
        }
        if (!incomplete.isEmpty()) {
            throw new LoraException(file, LoraException.Kind.INCOMPLETE, incomplete, "");
        }
        if (!shapes.isEmpty()) {
            throw new LoraException(file, LoraException.Kind.SHAPE_MISMATCH, shapes, "");
        }
        if (modules.isEmpty() && !skipped.isEmpty()) {
            throw new LoraException(file, LoraException.Kind.UNKNOWN_KEYS, skipped,
                    "; no LoRA module of the file is left to load");
        }
        if (!skipped.isEmpty()) {
            LOG.warn("{}: skipping {} key(s) that do not fit this transformer (UnmatchedKeys.WARN): {}", file,
                    skipped.size(), LoraException.preview(skipped));
        }
        return new LoraAdapter(file, c.layout(), view, Collections.unmodifiableMap(modules), skipped);
    }

    private static float alpha(TensorSource view, String module, long rank, @Nullable JsonObject peft) {
        String n = module + ".alpha";
        if (view.names().contains(n)) {
            try (NDManager m = NDManager.newBaseManager();
                    NDArray a = view.load(n, m, DataType.FLOAT32)) {
                return a.toFloatArray()[0];
            }
        }
        if (peft != null) {
            if (peft.has("alpha_pattern") && peft.get("alpha_pattern").isJsonObject()) {
                for (Map.Entry<String, JsonElement> e : peft.getAsJsonObject("alpha_pattern").entrySet()) {
                    if (module.equals(e.getKey()) || module.endsWith("." + e.getKey())) {
                        return e.getValue().getAsFloat();
                    }
                }
            }
            if (peft.has("lora_alpha")) {
                return peft.get("lora_alpha").getAsFloat();
            }
        }
        return rank;
    }

    private static @Nullable JsonObject peftConfig(Path file) {
        Path cfg = file.resolveSibling("adapter_config.json");
        if (!Files.isRegularFile(cfg)) {
            return null;
        }
        try {
            return JsonParser.parseString(Files.readString(cfg)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cfg, e);
        }
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** The key layout it was written in. */
    public LoraLayout layout() {
        return layout;
    }

    /**
     * Keys of the file that were skipped under {@link UnmatchedKeys#WARN} (as written in the file): tensors of no
     * LoRA layout and the tensors of modules the transformer lacks. Empty under {@link UnmatchedKeys#FAIL}.
     */
    public List<String> skipped() {
        return skipped;
    }

    /** Adapted layers by diffusers module path. */
    public Map<String, Module> modules() {
        return modules;
    }

    /** {@code lora_A [r, in]} of {@code module}, float32, in {@code manager}. */
    public NDArray loraA(String module, NDManager manager) {
        return tensors.load(module + ".lora_A.weight", manager, DataType.FLOAT32);
    }

    /** {@code lora_B [out, r]} of {@code module}, float32, in {@code manager}. */
    public NDArray loraB(String module, NDManager manager) {
        return tensors.load(module + ".lora_B.weight", manager, DataType.FLOAT32);
    }

    /** Closes the file. */
    @Override
    public void close() {
        tensors.close();
    }
}
