package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A prefix-scoped view of a checkpoint through which modules bind their weights by the reference's state-dict
 * names. Binding never throws on its own: every missing name and shape mismatch is recorded, and the root
 * calls {@link #requireAllConsumed()} once the whole module tree is built, which reports them together with
 * every unused name.
 *
 * <pre>{@code
 * StateDict w = StateDict.load(source, weightsManager, LoadMode.EAGER, TensorLoader.float32(), "transformer/");
 * var block = new TransformerBlock(w.child("transformer_blocks").child("0"), config);
 * w.requireAllConsumed();
 * }</pre>
 */
public final class StateDict {

    private final Binding binding;
    private final String prefix;

    private StateDict(Binding binding, String prefix) {
        this.binding = binding;
        this.prefix = prefix;
    }

    /**
     * Binds against a checkpoint.
     *
     * @param source the tensors
     * @param manager where loaded weights live (the component's weight manager)
     * @param mode when data is read
     * @param loader dtype policy
     * @param where a label for messages, e.g. the component folder
     */
    public static StateDict load(TensorSource source, NDManager manager, LoadMode mode, TensorLoader loader,
            String where) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (String n : source.names()) {
            shapes.put(n, source.info(n).shape());
        }
        return new StateDict(new Binding(source, manager, mode, loader, where, shapes), "");
    }

    /** Binds against names and shapes only (a manifest of a published checkpoint): nothing is allocated. */
    public static StateDict shapeOnly(Map<String, Shape> manifest, String where) {
        return new StateDict(new Binding(null, null, LoadMode.SHAPE_ONLY, TensorLoader.float32(), where,
                new LinkedHashMap<>(manifest)), "");
    }

    /** The view under {@code name} (joined with a dot), mirroring a module attribute path. */
    public StateDict child(String name) {
        return new StateDict(binding, full(name) + ".");
    }

    /** The view under {@code name.index}, for {@code nn.ModuleList} entries. */
    public StateDict child(String name, int index) {
        return child(name).child(Integer.toString(index));
    }

    /**
     * Binds a required tensor and checks its shape.
     *
     * @param expected the shape the config implies
     */
    public Parameter take(String name, long... expected) {
        return binding.take(full(name), new Shape(expected), true);
    }

    /** Binds a tensor whose shape the module reads from the checkpoint (e.g. a width the config omits). */
    public Parameter takeAnyShape(String name) {
        String n = full(name);
        Shape s = binding.shapes.get(n);
        return binding.take(n, s == null ? new Shape() : s, s != null);
    }

    /** Binds a tensor that may be absent (e.g. an optional bias); absent gives null and no error. */
    public @Nullable Parameter takeOptional(String name, long... expected) {
        return has(name) ? take(name, expected) : null;
    }

    /** Whether the checkpoint holds {@code name} under this prefix. */
    public boolean has(String name) {
        return binding.shapes.containsKey(full(name));
    }

    /** Stored shape of {@code name}, or null if absent. */
    public @Nullable Shape storedShape(String name) {
        return binding.shapes.get(full(name));
    }

    /** Whether any stored name starts with {@code prefix.name.}, i.e. a child module exists. */
    public boolean hasChild(String name) {
        String p = full(name) + ".";
        return binding.shapes.keySet().stream().anyMatch(k -> k.startsWith(p));
    }

    /** When the checkpoint's data is read: a LAZY binding can release weights and read them again. */
    public LoadMode loadMode() {
        return binding.mode;
    }

    /** All parameters bound so far through any view of this checkpoint, in binding order. */
    public List<Parameter> boundParameters() {
        return List.copyOf(binding.bound.values());
    }

    /**
     * Checks the whole binding.
     *
     * @throws CheckpointMismatchException listing every missing, unexpected and mis-shaped tensor
     */
    public void requireAllConsumed() {
        List<String> unexpected = new ArrayList<>();
        for (String n : binding.shapes.keySet()) {
            if (!binding.bound.containsKey(n)) {
                unexpected.add(n);
            }
        }
        if (!binding.missing.isEmpty() || !unexpected.isEmpty() || !binding.mismatched.isEmpty()) {
            throw new CheckpointMismatchException(binding.where, new ArrayList<>(binding.missing),
                    unexpected, binding.mismatched);
        }
    }

    private String full(String name) {
        return prefix + name;
    }

    /** State shared by every view of one checkpoint. */
    static final class Binding {
        private final @Nullable TensorSource source;
        private final @Nullable NDManager manager;
        private final LoadMode mode;
        int elementBytes() {
            return loader.elementBytes();
        }

        private final TensorLoader loader;
        private final String where;
        private final Map<String, Shape> shapes;
        private final Map<String, Parameter> bound = new LinkedHashMap<>();
        private final Set<String> missing = new TreeSet<>();
        private final List<String> mismatched = new ArrayList<>();
        private final Set<String> broken = new LinkedHashSet<>();

        Binding(@Nullable TensorSource source, @Nullable NDManager manager, LoadMode mode, TensorLoader loader,
                String where, Map<String, Shape> shapes) {
            this.source = source;
            this.manager = manager;
            this.mode = mode;
            this.loader = loader;
            this.where = where;
            this.shapes = shapes;
        }

        synchronized Parameter take(String name, Shape expected, boolean present) {
            Parameter existing = bound.get(name);
            if (existing != null) {
                return existing;
            }
            Shape stored = shapes.get(name);
            if (stored == null || !present) {
                missing.add(name);
                broken.add(name);
            } else if (!stored.equals(expected)) {
                mismatched.add(name + " expected " + Arrays.toString(expected.getShape()) + " found "
                        + Arrays.toString(stored.getShape()));
                broken.add(name);
            }
            Parameter p = new Parameter(name, stored == null ? expected : stored, this);
            bound.put(name, p);
            if (mode == LoadMode.EAGER && !broken.contains(name)) {
                p.array();
            }
            return p;
        }

        NDArray load(String name, @Nullable NDManager into) {
            if (broken.contains(name)) {
                throw new IllegalStateException(where + ": parameter '" + name
                        + "' did not bind (missing or mis-shaped); call requireAllConsumed() for the full report");
            }
            if (mode == LoadMode.SHAPE_ONLY || source == null) {
                throw new IllegalStateException(where + ": '" + name + "' is bound shape-only; it has no data");
            }
            NDManager target = into != null ? into : manager;
            if (target == null) {
                throw new IllegalStateException(where + ": no manager to load '" + name + "' into");
            }
            return loader.load(source, name, target);
        }

        long storedBytes(String name) {
            if (source != null && source.names().contains(name)) {
                return source.info(name).byteLength();
            }
            Shape s = shapes.get(name);
            return s == null ? 0 : s.size() * 2;
        }
    }
}
