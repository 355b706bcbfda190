package io.hunyuan4j.core.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.Denoiser;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.WeightAdapter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The LoRA adapters of one loaded transformer: load several, activate any subset with a weight each, change or
 * remove them, without reloading the base weights. A layer with active adapters computes with
 * {@code W + sum_i weight_i * (alpha_i / r_i) * B_i A_i}, either
 *
 * <ul>
 *   <li>{@link Mode#LOW_RANK} (the default): kept separate, {@code y = x W^T + b + sum_i s_i (x A_i^T) B_i^T};
 *       switching adapters changes no weight, so it is exact and instant;</li>
 *   <li>{@link Mode#FUSED}: merged into the weight, no extra work per step. Resident weights are updated in place
 *       by the change of delta (diffusers' {@code fuse_lora}/{@code unfuse_lora}: in float32 the round trip is
 *       exact to rounding; in bf16 each switch rounds once more). Weights that the offloader re-reads (MODEL/BLOCK
 *       offload, LAZY loading) are merged again at each onload, from the file's values.</li>
 * </ul>
 *
 * Adapters apply at every load through the weights' {@link WeightAdapter}, so they work with MODEL and BLOCK
 * offload and with bf16 compute ({@code lora_A}/{@code lora_B} are held in the compute dtype for LOW_RANK and
 * merged in float32 for FUSED). Not thread-safe against a running forward pass: change adapters between
 * generations.
 *
 * <pre>{@code
 * LoraAdapters lora = LoraAdapters.attach(transformer, LoraAdapters.Mode.LOW_RANK);
 * lora.load("style", Path.of("style.safetensors"));
 * lora.load("motion", Path.of("motion_lora.safetensors"));
 * lora.setAdapters(Map.of("style", 0.8f, "motion", 1.0f));
 * }</pre>
 */
public final class LoraAdapters implements AutoCloseable {

    /** How active adapters enter the computation. */
    public enum Mode {
        /** A separate low-rank term per layer (exact switching, a little more compute per step). */
        LOW_RANK,
        /** Merged into the weights (no extra compute; switching adds and subtracts deltas). */
        FUSED
    }

    /** One adapter's tensors for one layer. */
    private record Factors(NDArray a, NDArray b, NDArray aCompute, NDArray bCompute, float scale) { }

    /** A loaded adapter: its file and its factors per module. */
    private record Loaded(LoraAdapter adapter, Map<String, Factors> factors) { }

    /** One active term of a layer. */
    private record Term(Factors f, float weight) {
        float scale() {
            return weight * f.scale();
        }
    }

    private final Mode mode;
    private final ComputeDtype computeDtype;
    private final long innerDim;
    private final NDManager manager;
    private final Map<String, Parameter> weights = new LinkedHashMap<>();
    private final Map<String, Shape> linearShapes = new LinkedHashMap<>();
    private final Map<String, Loaded> loaded = new LinkedHashMap<>();
    private Map<String, Float> active = Map.of();
    private Map<String, List<Term>> terms = Map.of();

    private LoraAdapters(HunyuanVideoTransformer3D model, Mode mode) {
        this.mode = mode;
        this.computeDtype = model.computeDtype();
        this.innerDim = model.config().innerDim();
        for (Parameter p : model.parameters()) {
            String module = linearModule(p.name(), p.shape());
            if (module != null) {
                weights.put(module, p);
                linearShapes.put(module, p.shape());
            }
        }
        this.manager = NDManager.newBaseManager();
        manager.setName("lora");
    }

    /**
     * The linear layers a LoRA file can adapt, given a transformer's parameter names and shapes (e.g.
     * {@link HunyuanVideoTransformer3D#expectedShapes}): module path to weight shape {@code [out, in]}.
     */
    public static Map<String, Shape> linearShapes(Map<String, Shape> parameters) {
        Map<String, Shape> out = new LinkedHashMap<>();
        parameters.forEach((name, shape) -> {
            String module = linearModule(name, shape);
            if (module != null) {
                out.put(module, shape);
            }
        });
        return out;
    }

    /** The module of a 2-D {@code .weight} (a linear layer), or null. */
    private static @Nullable String linearModule(String name, Shape shape) {
        return name.endsWith(".weight") && shape.dimension() == 2
                ? name.substring(0, name.length() - ".weight".length()) : null;
    }

    /**
     * Manages adapters for {@code denoiser} (no adapter is active until {@link #setAdapters}): the entry for code
     * that holds the DiT through {@link Denoiser}, such as the pipeline.
     *
     * @throws UnsupportedOperationException if {@code denoiser} is not the HunyuanVideo DiT
     */
    public static LoraAdapters attach(Denoiser denoiser, Mode mode) {
        if (!(denoiser instanceof HunyuanVideoTransformer3D dit)) {
            throw new UnsupportedOperationException("LoRA adapters need the HunyuanVideo DiT but the denoiser is "
                    + denoiser.getClass().getName());
        }
        return attach(dit, mode);
    }

    /** Manages adapters for {@code model} (no adapter is active until {@link #setAdapters}). */
    public static LoraAdapters attach(HunyuanVideoTransformer3D model, Mode mode) {
        return new LoraAdapters(model, mode);
    }

    /** The mode. */
    public Mode mode() {
        return mode;
    }

    /**
     * Reads an adapter file (any {@link LoraLayout}) and keeps it under {@code name}, inactive.
     *
     * @throws LoraException listing the keys that do not fit this transformer
     * @throws IllegalArgumentException if {@code name} is already loaded
     */
    public LoraAdapter load(String name, Path file) {
        return load(name, file, UnmatchedKeys.FAIL);
    }

    /**
     * Reads an adapter file (any {@link LoraLayout}) and keeps it under {@code name}, inactive; keys that do not
     * fit this transformer fail or are skipped with a warning as {@code unmatched} says
     * ({@link LoraAdapter#skipped()} lists them).
     *
     * @throws LoraException listing the keys that do not fit this transformer
     * @throws IllegalArgumentException if {@code name} is already loaded
     */
    public synchronized LoraAdapter load(String name, Path file, UnmatchedKeys unmatched) {
        if (loaded.containsKey(name)) {
            throw new IllegalArgumentException("adapter '" + name + "' is already loaded; remove it first");
        }
        LoraAdapter adapter = LoraAdapter.open(file, linearShapes, innerDim, unmatched);
        Map<String, Factors> factors = new LinkedHashMap<>();
        try {
            for (LoraAdapter.Module m : adapter.modules().values()) {
                NDArray a = adapter.loraA(m.module(), manager);
                NDArray b = adapter.loraB(m.module(), manager);
                boolean bf16 = computeDtype == ComputeDtype.BF16;
                factors.put(m.module(), new Factors(a, b, bf16 ? F.toBf16(a) : a, bf16 ? F.toBf16(b) : b,
                        m.scale()));
            }
        } finally {
            adapter.close(); // the factors are read; the file is not needed any more
        }
        loaded.put(name, new Loaded(adapter, factors));
        return adapter;
    }

    /** Names of the loaded adapters. */
    public synchronized Set<String> names() {
        return Collections.unmodifiableSet(new HashSet<>(loaded.keySet()));
    }

    /** The active adapters and their weights. */
    public synchronized Map<String, Float> active() {
        return active;
    }

    /**
     * Activates exactly {@code weights} (adapter name to weight, e.g. 1.0), deactivating the others.
     *
     * @throws IllegalArgumentException naming an adapter that is not loaded
     */
    public synchronized void setAdapters(Map<String, Float> weightsByName) {
        for (String n : weightsByName.keySet()) {
            if (!loaded.containsKey(n)) {
                throw new IllegalArgumentException("adapter '" + n + "' is not loaded; loaded: " + loaded.keySet());
            }
        }
        Map<String, List<Term>> next = new LinkedHashMap<>();
        weightsByName.forEach((n, w) -> Objects.requireNonNull(loaded.get(n), n).factors().forEach((module, f) ->
                next.computeIfAbsent(module, k -> new ArrayList<>()).add(new Term(f, w))));
        Set<String> touched = new HashSet<>(terms.keySet());
        touched.addAll(next.keySet());
        for (String module : touched) {
            List<Term> before = terms.getOrDefault(module, List.of());
            List<Term> after = next.getOrDefault(module, List.of());
            Parameter p = Objects.requireNonNull(weights.get(module), module);
            if (mode == Mode.FUSED) {
                NDArray resident = p.resident();
                if (resident != null) {
                    try (NDArray change = delta(after, before)) {
                        if (change != null) {
                            addInPlace(resident, change);
                        }
                    }
                }
            }
            p.adapter(after.isEmpty() ? null : new LayerAdapter(List.copyOf(after)));
        }
        this.terms = next;
        this.active = Collections.unmodifiableMap(new LinkedHashMap<>(weightsByName));
    }

    /** Deactivates every adapter (the base model again). */
    public void disable() {
        setAdapters(Map.of());
    }

    /** Deactivates (if active) and frees one adapter. */
    public synchronized void remove(String name) {
        Loaded l = loaded.get(name);
        if (l == null) {
            throw new IllegalArgumentException("adapter '" + name + "' is not loaded; loaded: " + loaded.keySet());
        }
        if (active.containsKey(name)) {
            Map<String, Float> rest = new LinkedHashMap<>(active);
            rest.remove(name);
            setAdapters(rest);
        }
        loaded.remove(name);
        for (Factors f : l.factors().values()) {
            f.a().close();
            f.b().close();
            f.aCompute().close();
            f.bCompute().close();
        }
    }

    /** Deactivates all adapters (restoring the base weights) and frees them. */
    @Override
    public synchronized void close() {
        disable();
        manager.close();
    }

    /** {@code w += d}, d cast to w's dtype first (bf16 weights take a bf16 delta). */
    private static void addInPlace(NDArray w, NDArray d) {
        NDArray c = F.castLike(d, w);
        w.addi(c);
        if (c != d) {
            c.close();
        }
    }

    /** {@code sum(plus) - sum(minus)} of {@code scale * B A}, float32 [out, in], or null if both are empty. */
    private @Nullable NDArray delta(List<Term> plus, List<Term> minus) {
        NDArray sum = null;
        for (int sign = 1; sign >= -1; sign -= 2) {
            for (Term t : sign > 0 ? plus : minus) {
                NDArray ba = t.f().b().matMul(t.f().a());
                ba.muli(sign * t.scale());
                if (sum == null) {
                    sum = ba;
                } else {
                    sum.addi(ba);
                    ba.close();
                }
            }
        }
        return sum;
    }

    /** The adapter of one linear layer: its active terms, merged at load (FUSED) or added per call (LOW_RANK). */
    private final class LayerAdapter implements WeightAdapter {
        private final List<Term> active;

        LayerAdapter(List<Term> active) {
            this.active = active;
        }

        @Override
        public NDArray onLoad(Parameter parameter, NDArray base) {
            if (mode == Mode.FUSED) {
                try (NDArray d = delta(active, List.of())) {
                    if (d != null) {
                        addInPlace(base, d);
                    }
                }
            }
            return base;
        }

        @Override
        public @Nullable NDArray linearExtra(NDArray x) {
            if (mode == Mode.FUSED) {
                return null;
            }
            NDArray sum = null;
            for (Term t : active) {
                NDArray h = F.linear(x, t.f().aCompute(), null);   // [..., r]
                NDArray y = F.linear(h, t.f().bCompute(), null);   // [..., out]
                h.close();
                NDArray scaled = y.mul(t.scale());
                y.close();
                if (sum == null) {
                    sum = scaled;
                } else {
                    NDArray s = sum.add(scaled);
                    sum.close();
                    scaled.close();
                    sum = s;
                }
            }
            return sum;
        }
    }
}
