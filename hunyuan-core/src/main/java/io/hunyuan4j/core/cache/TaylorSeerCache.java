package io.hunyuan4j.core.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.F;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * TaylorSeer (Liu et al., "From Reusing to Forecasting"), diffusers' {@code TaylorSeerCacheConfig}: on refresh
 * steps a module's outputs are computed and the Taylor factors of each (the value and its divided differences
 * over the last refreshes, up to {@code maxOrder}) are updated; on the steps in between, its outputs are
 * forecast by the Taylor series. The first {@code disableCacheBeforeStep} steps compute, then every
 * {@code cacheInterval}-th step; with {@code disableCacheAfterStep} set, every step from there on computes.
 *
 * <p>Two modes, as diffusers' {@code use_lite_mode}:
 * <ul>
 *   <li><b>lite</b> ({@link #defaults()}): the output projection {@code proj_out} is forecast and no transformer
 *       block runs on a forecast step (the blocks are "inactive"), so the blocks' weights are not onloaded;</li>
 *   <li><b>default</b> ({@link #full()}, diffusers' default): the output of each module matched by
 *       {@code cacheIdentifiers} (default: the attention modules, {@link #DEFAULT_CACHE_IDENTIFIERS}, i.e.
 *       {@code transformer_blocks.<i>.attn} and {@code single_transformer_blocks.<i>.attn}) is forecast while
 *       the rest of every block (modulation, MLPs, residuals) runs; a module matched by
 *       {@code skipPredictIdentifiers} returns zeros on forecast steps. Patterns are full regular-expression
 *       matches ({@code re.fullmatch}) on diffusers' module names, which the denoiser's hook points carry
 *       ({@link BlockStack#hookableModules()}); each module has its own factors in each context.</li>
 * </ul>
 *
 * <p>The factors are kept in {@code taylorFactorsDtype}, float32 by default (diffusers defaults to bf16, which
 * halves their memory; bf16 storage needs the kernel library). The arithmetic is float32 in both cases and the
 * forecast is cast to the module's dtype (diffusers computes in the module's dtype: the same for a float32 model).
 *
 * @param cacheInterval steps between refreshes (default 5)
 * @param disableCacheBeforeStep steps computed first (default 3)
 * @param disableCacheAfterStep step from which every step computes, or -1 for none (default)
 * @param maxOrder highest Taylor order (default 1)
 * @param useLiteMode the lite mode (forecast {@code proj_out}, skip the blocks) rather than the default mode
 * @param taylorFactorsDtype storage precision of the factors (default FLOAT32)
 * @param cacheIdentifiers default mode: modules to forecast; empty for {@link #DEFAULT_CACHE_IDENTIFIERS}
 * @param skipPredictIdentifiers default mode: modules that return zeros on forecast steps (these win over
 *     {@code cacheIdentifiers}); empty for none
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/hooks/taylorseer_cache.py">diffusers taylorseer_cache.py</a>
 */
public record TaylorSeerCache(int cacheInterval, int disableCacheBeforeStep, int disableCacheAfterStep, int maxOrder,
        boolean useLiteMode, ComputeDtype taylorFactorsDtype, List<String> cacheIdentifiers,
        List<String> skipPredictIdentifiers) implements StepCache {

    /**
     * diffusers' {@code _TRANSFORMER_BLOCK_IDENTIFIERS}, the default mode's modules: the attention of every block
     * (for HunyuanVideo {@code transformer_blocks.<i>.attn} and {@code single_transformer_blocks.<i>.attn}).
     */
    public static final List<String> DEFAULT_CACHE_IDENTIFIERS = List.of("^blocks.*attn", "^transformer_blocks.*attn",
            "^single_transformer_blocks.*attn", "^temporal_transformer_blocks.*attn");

    /** Checks the settings. */
    public TaylorSeerCache {
        if (cacheInterval < 1) {
            throw new IllegalArgumentException("TaylorSeer cacheInterval must be >= 1 but is " + cacheInterval);
        }
        if (disableCacheBeforeStep < 0) {
            throw new IllegalArgumentException("TaylorSeer disableCacheBeforeStep must be >= 0 but is "
                    + disableCacheBeforeStep);
        }
        if (disableCacheAfterStep < -1) {
            throw new IllegalArgumentException("TaylorSeer disableCacheAfterStep must be >= 0, or -1 for none, but is "
                    + disableCacheAfterStep);
        }
        if (maxOrder < 0) {
            throw new IllegalArgumentException("TaylorSeer maxOrder must be >= 0 but is " + maxOrder);
        }
        cacheIdentifiers = List.copyOf(cacheIdentifiers);
        skipPredictIdentifiers = List.copyOf(skipPredictIdentifiers);
        if (useLiteMode && !(cacheIdentifiers.isEmpty() && skipPredictIdentifiers.isEmpty())) {
            throw new IllegalArgumentException("TaylorSeer lite mode hooks fixed modules (proj_out, the blocks);"
                    + " cacheIdentifiers and skipPredictIdentifiers need useLiteMode false");
        }
        compile(cacheIdentifiers, "cacheIdentifiers");
        compile(skipPredictIdentifiers, "skipPredictIdentifiers");
    }

    /** The lite mode with float32 factors. */
    public TaylorSeerCache(int cacheInterval, int disableCacheBeforeStep, int disableCacheAfterStep, int maxOrder) {
        this(cacheInterval, disableCacheBeforeStep, disableCacheAfterStep, maxOrder, true, ComputeDtype.FLOAT32,
                List.of(), List.of());
    }

    /**
     * diffusers' defaults (interval 5, 3 warm-up steps, no cool-down, first order) in the lite mode, the one that
     * skips the blocks; float32 factors.
     */
    public static TaylorSeerCache defaults() {
        return new TaylorSeerCache(5, 3, -1, 1);
    }

    /**
     * diffusers' {@code TaylorSeerCacheConfig()}: the default mode (every attention output forecast) with the
     * default interval, warm-up and order; float32 factors (diffusers: bf16, see
     * {@link #withTaylorFactorsDtype}).
     */
    public static TaylorSeerCache full() {
        return defaults().withLiteMode(false);
    }

    /** A copy in the lite ({@code true}) or the default ({@code false}) mode. */
    public TaylorSeerCache withLiteMode(boolean lite) {
        return new TaylorSeerCache(cacheInterval, disableCacheBeforeStep, disableCacheAfterStep, maxOrder, lite,
                taylorFactorsDtype, cacheIdentifiers, skipPredictIdentifiers);
    }

    /** A copy keeping the factors in {@code dtype} (diffusers' {@code taylor_factors_dtype}). */
    public TaylorSeerCache withTaylorFactorsDtype(ComputeDtype dtype) {
        return new TaylorSeerCache(cacheInterval, disableCacheBeforeStep, disableCacheAfterStep, maxOrder,
                useLiteMode, dtype, cacheIdentifiers, skipPredictIdentifiers);
    }

    /**
     * A copy hooking the modules these patterns match (default mode only).
     *
     * @param cache patterns of the modules to forecast; empty for {@link #DEFAULT_CACHE_IDENTIFIERS}
     * @param skipPredict patterns of the modules that return zeros on forecast steps
     */
    public TaylorSeerCache withIdentifiers(List<String> cache, List<String> skipPredict) {
        return new TaylorSeerCache(cacheInterval, disableCacheBeforeStep, disableCacheAfterStep, maxOrder,
                useLiteMode, taylorFactorsDtype, cache, skipPredict);
    }

    /** {@inheritDoc} */
    @Override
    public CacheSession session(int numInferenceSteps) {
        return new CacheSession(this, useLiteMode ? Lite::new : Full::new);
    }

    /** Whether forward pass {@code step} (0-based, per context) computes: diffusers' {@code _measure_should_compute}. */
    public boolean shouldCompute(int step) {
        boolean warmup = step < disableCacheBeforeStep;
        boolean computeInterval = Math.floorMod(step - disableCacheBeforeStep - 1, cacheInterval) == 0;
        boolean cooldown = disableCacheAfterStep >= 0 && step >= disableCacheAfterStep;
        return warmup || computeInterval || cooldown;
    }

    /** How the default mode treats a module (diffusers' {@code apply_taylorseer_cache} matching). */
    enum Role {
        /** Not hooked: always computes. */
        NONE,
        /** Forecast on predicted steps (diffusers' active modules). */
        CACHE,
        /** Zeros on predicted steps (diffusers' inactive modules). */
        SKIP_PREDICT
    }

    /** The default mode's role of the module {@code name}; skip-predict patterns win, as in diffusers. */
    Role role(String name) {
        return role(name, compile(skipPredictIdentifiers, "skipPredictIdentifiers"), cachePatterns());
    }

    private List<Pattern> cachePatterns() {
        return compile(cacheIdentifiers.isEmpty() ? DEFAULT_CACHE_IDENTIFIERS : cacheIdentifiers, "cacheIdentifiers");
    }

    private static Role role(String name, List<Pattern> skip, List<Pattern> cache) {
        if (matchesAny(skip, name)) {
            return Role.SKIP_PREDICT;
        }
        return matchesAny(cache, name) ? Role.CACHE : Role.NONE;
    }

    private static boolean matchesAny(List<Pattern> patterns, String name) {
        for (Pattern p : patterns) {
            if (p.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    private static List<Pattern> compile(List<String> patterns, String what) {
        List<Pattern> out = new ArrayList<>();
        for (String p : patterns) {
            try {
                out.add(Pattern.compile(p));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("TaylorSeer " + what + ": '" + p
                        + "' is not a regular expression: " + e.getDescription(), e);
            }
        }
        return out;
    }

    /** Lite mode: diffusers' {@code TaylorSeerState} of {@code proj_out}, with the shared step counter. */
    private final class Lite extends CacheContext {
        private final ModuleState projOut = new ModuleState(false);
        private int currentStep = -1;
        private boolean compute;

        Lite(CacheSession session) {
            super(session);
        }

        @Override
        protected BlockStreams decideAndRun(BlockStack stack, BlockStreams in) {
            currentStep++;
            compute = shouldCompute(currentStep);
            if (compute) {
                countComputed();
                return stack.run(0, stack.size(), in);
            }
            projOut.requireUpdated("proj_out", currentStep);
            countSkipped();
            return in; // the blocks' outputs are not used on a forecast step
        }

        @Override
        public NDArray output(Supplier<NDArray> projection, NDManager manager) {
            if (compute) {
                NDArray out = projection.get();
                projOut.update(this, new NDList(out), currentStep);
                countModuleComputed();
                return out;
            }
            countModulePredicted();
            return projOut.predict(currentStep, manager).singletonOrThrow();
        }
    }

    /**
     * Default mode: a {@code TaylorSeerState} per hooked module. Every hooked module is called once per forward
     * pass, so one step counter per context serves them all (diffusers counts per module, to the same values).
     */
    private final class Full extends CacheContext {
        private final List<Pattern> skip = compile(skipPredictIdentifiers, "skipPredictIdentifiers");
        private final List<Pattern> cache = cachePatterns();
        private final Map<String, Role> roles = new HashMap<>();
        private final Map<String, ModuleState> modules = new HashMap<>();
        private int currentStep = -1;
        private boolean compute;
        private boolean anyComputed;
        private boolean predictedThisPass;
        private boolean checked;

        Full(CacheSession session) {
            super(session);
        }

        @Override
        protected BlockStreams decideAndRun(BlockStack stack, BlockStreams in) {
            if (!checked) {
                check(stack.hookableModules());
                checked = true;
            }
            currentStep++;
            compute = shouldCompute(currentStep);
            if (!compute && !anyComputed) {
                throw new IllegalStateException("TaylorSeer cannot forecast step " + currentStep
                        + " before any computed step (disableCacheBeforeStep " + disableCacheBeforeStep + ")");
            }
            predictedThisPass = false;
            BlockStreams out = stack.run(0, stack.size(), in);
            anyComputed |= compute;
            if (predictedThisPass) {
                countSkipped();
            } else {
                countComputed();
            }
            return out;
        }

        /** Before the first pass: the denoiser has hook points, and every explicit pattern matches one. */
        private void check(List<String> hookable) {
            if (hookable.isEmpty()) {
                throw new IllegalArgumentException("TaylorSeer's default mode needs a denoiser whose blocks expose"
                        + " hookable modules; use the lite mode (useLiteMode true) for this one");
            }
            List<String> explicit = new ArrayList<>(cacheIdentifiers);
            explicit.addAll(skipPredictIdentifiers);
            for (String p : explicit) {
                if (!matchesAnyName(compile(List.of(p), "identifiers"), hookable)) {
                    throw new IllegalArgumentException("TaylorSeer identifier '" + p
                            + "' matches none of the modules this denoiser can hook: " + hookable);
                }
            }
        }

        private static boolean matchesAnyName(List<Pattern> patterns, List<String> names) {
            for (String n : names) {
                if (TaylorSeerCache.matchesAny(patterns, n)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public ModuleHook moduleHook(String name) {
            Role role = roles.computeIfAbsent(name, n -> role(n, skip, cache));
            if (role == Role.NONE) {
                return ModuleHook.NONE;
            }
            return (module, manager) -> call(name, role, module, manager);
        }

        private NDList call(String name, Role role, Supplier<NDList> module, NDManager manager) {
            ModuleState state = modules.computeIfAbsent(name, n -> new ModuleState(role == Role.SKIP_PREDICT));
            if (compute) {
                NDList out = module.get();
                state.update(this, out, currentStep);
                countModuleComputed();
                return out;
            }
            state.requireUpdated(name, currentStep);
            predictedThisPass = true;
            countModulePredicted();
            return state.predict(currentStep, manager);
        }
    }

    /** diffusers' {@code TaylorSeerState} of one hooked module: one {@link Series} per output. */
    private final class ModuleState {
        private final boolean inactive;
        private final List<Series> outputs = new ArrayList<>();
        private int lastUpdateStep = -1;

        ModuleState(boolean inactive) {
            this.inactive = inactive;
        }

        void requireUpdated(String name, int step) {
            if (lastUpdateStep < 0) {
                throw new IllegalStateException("TaylorSeer cannot forecast " + name + " at step " + step
                        + " before any computed step (disableCacheBeforeStep " + disableCacheBeforeStep + ")");
            }
        }

        void update(CacheContext owner, NDList computed, int step) {
            int delta = lastUpdateStep < 0 ? 0 : step - lastUpdateStep;
            for (int i = 0; i < computed.size(); i++) {
                if (outputs.size() <= i) {
                    outputs.add(new Series());
                }
                outputs.get(i).update(owner, computed.get(i), delta, inactive);
            }
            lastUpdateStep = step;
        }

        NDList predict(int step, NDManager manager) {
            NDList out = new NDList(outputs.size());
            for (Series s : outputs) {
                out.add(inactive ? s.zeros(manager) : s.forecast(step - lastUpdateStep, manager));
            }
            return out;
        }
    }

    /** One output's Taylor factors ({@code taylor_factors[i]}), or for an inactive module just its shape. */
    private final class Series {
        private List<NDArray> factors = List.of();
        private Shape shape = new Shape();
        private boolean bf16Output;

        /**
         * The value and its divided differences with the previous factors, {@code delta} steps ago (0: the first
         * update); kept in the session in {@link #taylorFactorsDtype}.
         */
        void update(CacheContext owner, NDArray features, int delta, boolean inactive) {
            shape = features.getShape();
            bf16Output = F.isBf16(features);
            if (inactive) {
                return;
            }
            List<NDArray> previous = factors;
            List<NDArray> next = new ArrayList<>();
            try (NDManager scratch = features.getManager().newSubManager()) {
                // ops on the lent arrays put their results in the scratch scope; what is kept moves to the session
                scratch.tempAttachAll(features);
                scratch.tempAttachAll(previous.toArray(NDArray[]::new));
                List<NDArray> fresh = new ArrayList<>();
                fresh.add(copyFloat32(features));
                if (delta > 0) {
                    for (int j = 0; j < maxOrder && j < previous.size(); j++) {
                        fresh.add(fresh.get(j).sub(F.toFloat32(previous.get(j))).div((float) delta));
                    }
                }
                for (NDArray f : fresh) {
                    next.add(owner.keep(null, taylorFactorsDtype == ComputeDtype.BF16 ? F.toBf16(f) : f));
                }
            }
            for (NDArray p : previous) {
                p.close();
            }
            factors = next;
        }

        /** {@code sum_k factor_k * offset^k / k!} in float32, in the output's dtype, in {@code manager}. */
        NDArray forecast(int offset, NDManager manager) {
            try (NDManager scratch = manager.newSubManager()) {
                scratch.tempAttachAll(factors.toArray(NDArray[]::new));
                NDArray result = copyFloat32(factors.get(0));
                for (int order = 1; order < factors.size(); order++) {
                    double coeff = Math.pow(offset, order) / factorial(order);
                    result = result.add(F.toFloat32(factors.get(order)).mul((float) coeff));
                }
                NDArray out = bf16Output ? F.toBf16(result) : result;
                out.attach(manager);
                return out;
            }
        }

        /** {@code torch.zeros(shape, dtype=output dtype)}: a skip-predict module's output on forecast steps. */
        NDArray zeros(NDManager manager) {
            NDArray z = manager.zeros(shape, DataType.FLOAT32);
            if (!bf16Output) {
                return z;
            }
            NDArray b = F.toBf16(z);
            z.close();
            return b;
        }

        /** x in float32, always a new array (a float32 x itself must stay untouched). */
        private static NDArray copyFloat32(NDArray x) {
            NDArray f = F.toFloat32(x);
            return f == x ? x.duplicate() : f;
        }
    }

    private static double factorial(int n) {
        double f = 1;
        for (int i = 2; i <= n; i++) {
            f *= i;
        }
        return f;
    }
}
