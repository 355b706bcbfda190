package io.hunyuan4j.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.cache.CacheSession;
import io.hunyuan4j.core.cache.CacheStats;
import io.hunyuan4j.core.cache.FirstBlockCache;
import io.hunyuan4j.core.cache.MagCache;
import io.hunyuan4j.core.cache.StepCache;
import io.hunyuan4j.core.cache.TaylorSeerCache;
import io.hunyuan4j.core.cache.TeaCache;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * DiT evaluations and wall time of a whole denoising loop with each step cache at its default settings against no
 * cache, in one run on the same random-weight DiT and the same initial latents: the {@link TransformerBenchmark}
 * block structure (its options apply; smaller latents through {@code --frames/--height/--width}), flow-match
 * Euler with shift 7 over {@code --steps} steps, distilled guidance (one DiT call per step, as HunyuanVideo).
 * Also the quality cost: the largest difference of the final latents from the uncached ones, relative to their
 * largest value. A pass counts as skipped when its block stack was skipped or, for TaylorSeer's default mode
 * ({@code taylorseer-full}, whose blocks always run), when its attention outputs were forecast.
 *
 * <pre>
 * mvn -q -pl hunyuan-examples exec:java -Dexec.mainClass=io.hunyuan4j.examples.bench.StepCacheBenchmark \
 *   -Dexec.args="--dtype bf16 --steps 50 --frames 9 --height 16 --width 16"
 * </pre>
 */
public final class StepCacheBenchmark {

    static final String USAGE = "usage: StepCacheBenchmark [--dtype fp32|bf16] [--steps 50]"
            + " [--strategies none,fbc,taylorseer,taylorseer-full,magcache,teacache] [TransformerBenchmark options]";

    private StepCacheBenchmark() {}

    /**
     * Runs the benchmark; exits 2 on bad arguments.
     *
     * @param args {@code --name value} options, see {@link #USAGE}
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        Map<String, String> a;
        try {
            a = TransformerBenchmark.parse(args);
            ComputeDtype.parse(a.getOrDefault("dtype", "fp32"));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        run(a, System.out);
    }

    /** The strategies at their documented defaults, by the names {@code --strategies} takes. */
    static Map<String, @Nullable StepCache> strategies() {
        Map<String, @Nullable StepCache> s = new LinkedHashMap<>();
        s.put("none", null);
        s.put("fbc", FirstBlockCache.defaults());
        s.put("taylorseer", TaylorSeerCache.defaults());
        s.put("taylorseer-full", TaylorSeerCache.full());
        s.put("magcache", MagCache.hunyuanVideo());
        s.put("teacache", TeaCache.hunyuanVideo());
        return s;
    }

    static void run(Map<String, String> a, PrintStream out) {
        ComputeDtype dtype = ComputeDtype.parse(a.getOrDefault("dtype", "fp32"));
        int steps = Integer.parseInt(a.getOrDefault("steps", "50"));
        float[] sigmas = sigmas(steps, 7f);
        Map<String, @Nullable StepCache> all = strategies();
        out.printf(Locale.ROOT, "config: %s, %s, %d steps; load average %s%n", TransformerBenchmark.config(a), dtype,
                steps, AttentionBenchmark.loadAverage());
        out.println("| strategy | passes computed | skipped (forecast) | blocks skipped | modules forecast | wall time |"
                + " speed-up | max rel diff vs none |");
        out.println("|---|---|---|---|---|---|---|---|");
        try (NDManager weights = NDManager.newBaseManager(); NDManager calls = NDManager.newBaseManager()) {
            TransformerBenchmark.Setup setup = TransformerBenchmark.setup(a, dtype, weights, calls);
            // warm-up: kernels load and the JIT compiles before the clock runs
            try (NDArray v = setup.model().forward(setup.input())) {
                v.getFloat(0, 0, 0, 0, 0);
            }
            float[] reference = null;
            double baseline = Double.NaN;
            for (String name : a.getOrDefault("strategies", String.join(",", all.keySet())).split(",")) {
                if (!all.containsKey(name)) {
                    throw new IllegalArgumentException("unknown strategy '" + name + "', expected " + all.keySet());
                }
                StepCache cache = all.get(name);
                long t0 = System.nanoTime();
                float[] result;
                CacheStats stats = null;
                try (CacheSession session = cache == null ? null : cache.session(steps)) {
                    result = denoise(setup.model(), setup.input(), sigmas, session);
                    if (session != null) {
                        stats = session.stats();
                    }
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                if (reference == null && cache == null) {
                    reference = result;
                    baseline = sec;
                }
                out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %.1f s | %.2fx | %s |%n",
                        name, stats == null ? steps : stats.computed(),
                        stats == null ? 0 : stats.skipped(), stats == null ? 0 : stats.blocksSkipped(),
                        stats == null ? 0 : stats.modulesPredicted(), sec,
                        baseline / sec, reference == null ? "n/a" : String.format(Locale.ROOT, "%.3e",
                                relErr(result, reference)));
            }
            setup.model().close();
        }
        all.forEach((k, v) -> out.printf(Locale.ROOT, "%s: %s%n", k, v == null ? "no cache" : v));
        out.printf(Locale.ROOT, "load average at the end: %s%n", AttentionBenchmark.loadAverage());
    }

    /** Flow-match Euler sigmas with {@code shift}, then 0 (diffusers' FlowMatchEulerDiscreteScheduler). */
    static float[] sigmas(int steps, float shift) {
        float[] s = new float[steps + 1];
        for (int i = 0; i < steps; i++) {
            double t = 1.0 - i * (1.0 - 1.0 / steps) / Math.max(1, steps - 1);
            s[i] = (float) (shift * t / (1 + (shift - 1) * t));
        }
        return s;
    }

    private static float[] denoise(HunyuanVideoTransformer3D model, DenoiserInput input, float[] sigmas,
            @Nullable CacheSession session) {
        try (NDManager loop = input.hiddenStates().getManager().newSubManager()) {
            NDArray latents = input.hiddenStates().duplicate();
            latents.attach(loop);
            for (int i = 0; i + 1 < sigmas.length; i++) {
                try (NDManager step = loop.newSubManager()) {
                    NDArray t = step.create(new float[] {sigmas[i] * 1000f});
                    DenoiserInput in = new DenoiserInput(latents, t, input.encoderHiddenStates(),
                            input.encoderAttentionMask(), input.pooledProjections(), input.guidance());
                    NDArray v = session == null ? model.forward(in) : model.forward(in, session.context("cond"));
                    NDArray next = latents.add(v.mul(sigmas[i + 1] - sigmas[i]));
                    next.attach(loop);
                    latents = next;
                }
            }
            return latents.toFloatArray();
        }
    }

    private static double relErr(float[] got, float[] ref) {
        double d = 0;
        double m = 0;
        for (int i = 0; i < ref.length; i++) {
            d = Math.max(d, Math.abs(got[i] - ref[i]));
            m = Math.max(m, Math.abs(ref[i]));
        }
        return d / m;
    }
}
