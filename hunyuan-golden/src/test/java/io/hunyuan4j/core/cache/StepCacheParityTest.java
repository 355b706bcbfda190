package io.hunyuan4j.core.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.offload.DeviceMemoryAccountant;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.offload.Offloader;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.transformer.TransformerConfig;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.golden.GoldenFixture;
import io.hunyuan4j.golden.GoldenOptions;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each step cache against diffusers' hook of the same name on the tiny DiT (golden-sets/cache, made by
 * tools/golden/make_cache_fixtures.py): a 12-step true-CFG loop over a batch of two prompts, with the cond and
 * uncond passes in their own contexts; the compute/skip decision of every pass and the final latents match.
 */
class StepCacheParityTest {

    private static final float TOLERANCE = 1e-4f;
    private static final float TRUE_CFG = 3f;
    private static final String[] CONTEXTS = {"cond", "uncond"};

    private static GoldenFixture fx;
    private static TransformerConfig config;
    private static HunyuanVideoTransformer3D dit;

    @BeforeAll
    static void load() throws URISyntaxException {
        Path dir = Path.of(StepCacheParityTest.class.getResource("/golden-sets/cache").toURI());
        fx = GoldenFixture.open(dir);
        config = TransformerConfig.fromJson(fx.config());
        dit = HunyuanVideoTransformer3D.fromWeights(config, fx.weights(), ComponentOptions.defaults(), "cache");
    }

    @AfterAll
    static void close() {
        dit.close();
        fx.close();
    }

    /** The fixture's loop: {@code session} null runs uncached. */
    private static Run denoise(HunyuanVideoTransformer3D model, @Nullable CacheSession session, NDManager m) {
        NDArray latents = fx.input("latents", m);
        float[] sigmas = fx.input("sigmas", m).toFloatArray();
        int steps = sigmas.length - 1;
        int batch = (int) latents.getShape().get(0);
        float[] decisions = new float[steps * 2];
        float[] modulesComputed = new float[steps * 2];
        for (int i = 0; i < steps; i++) {
            float[] t = new float[batch];
            java.util.Arrays.fill(t, sigmas[i] * 1000f);
            NDArray timestep = m.create(t);
            NDArray[] preds = new NDArray[2];
            for (int c = 0; c < 2; c++) {
                String name = CONTEXTS[c];
                DenoiserInput in = new DenoiserInput(latents, timestep, fx.input(name + ".prompt_embeds", m),
                        fx.input(name + ".attention_mask", m), fx.input(name + ".pooled", m),
                        fx.input("guidance", m));
                if (session == null) {
                    preds[c] = model.forward(in);
                    decisions[i * 2 + c] = 1;
                } else {
                    CacheContext ctx = session.context(name);
                    int before = ctx.computed();
                    long modulesBefore = session.stats().modulesComputed();
                    preds[c] = model.forward(in, ctx);
                    decisions[i * 2 + c] = ctx.computed() > before ? 1 : 0;
                    modulesComputed[i * 2 + c] = session.stats().modulesComputed() - modulesBefore;
                }
            }
            NDArray pred = preds[1].add(preds[0].sub(preds[1]).mul(TRUE_CFG));
            latents = latents.add(pred.mul(sigmas[i + 1] - sigmas[i]));
        }
        return new Run(latents.toFloatArray(), decisions, modulesComputed);
    }

    /**
     * @param modulesComputed per pass ([step, context] flattened), the hooked modules that computed their outputs
     */
    private record Run(float[] latents, float[] decisions, float[] modulesComputed) { }

    private static float[] expected(String name, NDManager m) {
        return fx.outputs().load(name, m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray();
    }

    private static float relErr(float[] got, float[] ref) {
        float maxDiff = 0;
        float maxRef = 0;
        for (int i = 0; i < ref.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(got[i] - ref[i]));
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
        }
        return maxDiff / maxRef;
    }

    private static void checkParity(String strategy, StepCache cache, float tolerance) {
        try (NDManager m = NDManager.newBaseManager(); CacheSession session = cache.session(12)) {
            checkParity(strategy, session, denoise(dit, session, m), tolerance, m);
        }
    }

    /** @return the latents' max relative error against the fixture */
    private static float checkParity(String strategy, CacheSession session, Run run, float tolerance, NDManager m) {
        assertArrayEquals(expected(strategy + ".decisions", m), run.decisions(), strategy + " decisions");
        float err = relErr(run.latents(), expected(strategy + ".latents", m));
        assertTrue(err <= tolerance, strategy + " latents max rel err " + err);
        CacheStats stats = session.stats();
        assertEquals(24, stats.evaluations());
        int computed = 0;
        for (float d : run.decisions()) {
            computed += (int) d;
        }
        assertEquals(computed, stats.computed());
        return err;
    }

    /**
     * TaylorSeer's default mode against diffusers: the decisions, the latents, and per pass the attention modules
     * that ran (diffusers counts every block's attention; the stats count the hooked ones, {@code unhooked} fewer);
     * every block runs on every pass.
     *
     * @param hooked attention modules the settings hook (forecast or skip-predict)
     * @param unhooked attention modules they leave alone (always computed)
     */
    private static void checkFull(String strategy, TaylorSeerCache cache, HunyuanVideoTransformer3D model,
            int hooked, int unhooked, float tolerance) {
        try (NDManager m = NDManager.newBaseManager(); CacheSession session = cache.session(12)) {
            Run run = denoise(model, session, m);
            checkParity(strategy, session, run, tolerance, m);
            float[] attn = expected(strategy + ".attn_computed", m);
            float[] hookedComputed = new float[attn.length];
            for (int i = 0; i < attn.length; i++) {
                hookedComputed[i] = attn[i] - unhooked;
            }
            assertArrayEquals(hookedComputed, run.modulesComputed(), strategy + " modules computed per pass");
            CacheStats stats = session.stats();
            assertEquals(24L * hooked, stats.modulesComputed() + stats.modulesPredicted());
            assertEquals(24L * (config.numLayers() + config.numSingleLayers()), stats.blocksRun());
            assertEquals(0, stats.blocksSkipped());
        }
    }

    private static double setting(String strategy, String key) {
        return io.hunyuan4j.core.config.JsonConfig.read(fx.dir().resolve("cache.json")).object(strategy)
                .getDouble(key, Double.NaN);
    }

    @Test
    void firstBlockCacheMatchesDiffusers() {
        checkParity("fbc", new FirstBlockCache(setting("fbc", "threshold")), TOLERANCE);
    }

    @Test
    void taylorSeerLiteMatchesDiffusers() {
        checkParity("taylorseer", new TaylorSeerCache(3, 2, 10, 2), TOLERANCE);
    }

    /** diffusers' default mode (use_lite_mode=False): every block's attention forecast, float32 factors. */
    @Test
    void taylorSeerFullMatchesDiffusers() {
        checkFull("taylorseer_full", new TaylorSeerCache(3, 2, 10, 2).withLiteMode(false), dit, 4, 0, TOLERANCE);
    }

    /**
     * The default mode with diffusers' default bf16 factors on the float32 model: the same bf16 roundings as
     * torch (measured 4.7e-6 from the fixture, against 1.3e-4 between bf16 and float32 factors; a value within a
     * float32 ulp of a rounding boundary could still round the other way).
     */
    @Test
    void taylorSeerFullWithBf16FactorsMatchesDiffusers() {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.hunyuan4j.core.ops.Kernels.available(Device.cpu()));
        checkFull("taylorseer_full_bf16", new TaylorSeerCache(3, 2, 10, 2).withLiteMode(false)
                .withTaylorFactorsDtype(ComputeDtype.BF16), dit, 4, 0, TOLERANCE);
    }

    /**
     * Explicit identifiers: the dual blocks' attention forecast, the last single block's attention zero on
     * forecast steps (skip-predict), the first single block's attention not hooked.
     */
    @Test
    void taylorSeerExplicitIdentifiersMatchDiffusers() {
        TaylorSeerCache custom = new TaylorSeerCache(3, 2, 10, 2).withLiteMode(false)
                .withIdentifiers(List.of("^transformer_blocks\\.\\d+\\.attn"),
                        List.of("^single_transformer_blocks\\.1\\.attn"));
        checkFull("taylorseer_custom", custom, dit, 3, 1, TOLERANCE);
        // a pattern that matches no hook point of this DiT is refused before the first pass runs
        try (NDManager m = NDManager.newBaseManager(); CacheSession session = custom.withIdentifiers(
                List.of("^transformer_blocks\\.\\d+\\.ff"), List.of()).session(12)) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> denoise(dit, session, m));
            assertTrue(e.getMessage().contains("transformer_blocks.0.attn"), e.getMessage());
        }
    }

    @Test
    void magCacheMatchesDiffusers() {
        List<Float> ratios = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            float[] r = expected("magcache_calibration.ratios", m);
            for (int i = 0; i < r.length / 2; i++) {
                ratios.add(r[i]);
            }
        }
        checkParity("magcache", new MagCache(setting("magcache", "threshold"), 2, 0.2, 12, ratios, false),
                TOLERANCE);
    }

    /**
     * TeaCache end to end (no diffusers hook to compare with: its rule is checked in closed form in
     * StepCacheRulesTest): with a threshold no distance reaches, only the first and the last pass of each
     * context run the blocks, and the skipped passes add the last residual.
     */
    @Test
    void teaCacheSkipsAllButFirstAndLast() {
        try (NDManager m = NDManager.newBaseManager();
                CacheSession session = TeaCache.hunyuanVideo(1e9).session(12)) {
            Run run = denoise(dit, session, m);
            float[] want = new float[24];
            want[0] = 1;
            want[1] = 1;
            want[22] = 1;
            want[23] = 1;
            assertArrayEquals(want, run.decisions());
            assertEquals(20L * (config.numLayers() + config.numSingleLayers()), session.stats().blocksSkipped());
            float err = relErr(run.latents(), expected("none.latents", m));
            assertTrue(err > 1e-3 && Float.isFinite(err), "skipping changes the result: " + err);
        }
    }

    /** Calibration skips nothing, so its loop is also the uncached one. */
    @Test
    void magCacheCalibrationMatchesDiffusers() {
        try (NDManager m = NDManager.newBaseManager(); CacheSession session = MagCache.calibration().session(12)) {
            Run run = denoise(dit, session, m);
            float[] want = expected("magcache_calibration.ratios", m);
            for (int c = 0; c < 2; c++) {
                List<Float> got = MagCache.calibratedRatios(session, CONTEXTS[c]);
                assertEquals(12, got.size());
                for (int i = 0; i < 12; i++) {
                    assertEquals(want[c * 12 + i], got.get(i), 1e-4f * Math.abs(want[c * 12 + i]), CONTEXTS[c] + i);
                }
            }
            assertEquals(relErr(run.latents(), expected("none.latents", m)), 0f, TOLERANCE);
        }
    }

    /** bf16 compute: the step-count-driven decisions match and the latents stay within bf16 tolerance. */
    @Test
    void taylorSeerInBf16() {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.hunyuan4j.core.ops.Kernels.available(Device.cpu()));
        ComponentOptions bf16 = new ComponentOptions(Device.cpu(), ComputeDtype.BF16, LoadMode.EAGER);
        try (HunyuanVideoTransformer3D model = HunyuanVideoTransformer3D.fromWeights(config, fx.weights(), bf16,
                "cache-bf16"); NDManager m = NDManager.newBaseManager();
                CacheSession session = new TaylorSeerCache(3, 2, 10, 2).session(12)) {
            Run run = denoise(model, session, m);
            assertArrayEquals(expected("taylorseer.decisions", m), run.decisions());
            float err = relErr(run.latents(), expected("taylorseer.latents", m));
            assertTrue(err <= GoldenOptions.BF16_TOLERANCE, "bf16 max rel err " + err);
        }
    }

    /** The default mode in bf16 compute: the same decisions, the latents within bf16 tolerance of the fixture. */
    @Test
    void taylorSeerFullInBf16() {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.hunyuan4j.core.ops.Kernels.available(Device.cpu()));
        ComponentOptions bf16 = new ComponentOptions(Device.cpu(), ComputeDtype.BF16, LoadMode.EAGER);
        try (HunyuanVideoTransformer3D model = HunyuanVideoTransformer3D.fromWeights(config, fx.weights(), bf16,
                "cache-bf16-full")) {
            checkFull("taylorseer_full", new TaylorSeerCache(3, 2, 10, 2).withLiteMode(false), model, 4, 0,
                    (float) GoldenOptions.BF16_TOLERANCE);
        }
    }

    /** Under block offload a skipped block is not onloaded: the onloads saved equal the stats' skipped blocks. */
    @Test
    void skippedBlocksAreNotOnloaded() {
        ComponentOptions lazy = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.LAZY);
        try (HunyuanVideoTransformer3D model = HunyuanVideoTransformer3D.fromWeights(config, fx.weights(), lazy,
                "cache-lazy"); NDManager m = NDManager.newBaseManager()) {
            int perPass = config.numLayers() + config.numSingleLayers();
            Counting cached = new Counting();
            model.blockOffload(cached);
            try (CacheSession session = new FirstBlockCache(setting("fbc", "threshold")).session(12)) {
                Run run = denoise(model, session, m);
                CacheStats stats = session.stats();
                assertEquals(stats.blocksRun(), cached.blocks.get());
                assertEquals(24L * perPass - cached.blocks.get(), stats.blocksSkipped());
                assertEquals(stats.skipped() * (long) (perPass - 1), stats.blocksSkipped());
                assertTrue(relErr(run.latents(), expected("fbc.latents", m)) <= TOLERANCE);
            }
            model.blockOffload(null);
        }
    }

    /** A real offloader that counts the block groups it onloads. */
    private static final class Counting implements GroupOnloader {
        private final Offloader offloader = new Offloader(Device.cpu(), Offload.BLOCK, ComputeDtype.FLOAT32,
                new DeviceMemoryAccountant());
        private final AtomicInteger blocks = new AtomicInteger();

        @Override
        public Scope onload(Offloadable owner, String group, NDManager parent) {
            if (group.startsWith("transformer_blocks.") || group.startsWith("single_transformer_blocks.")) {
                blocks.incrementAndGet();
            }
            return offloader.onload(owner, group, parent);
        }
    }
}
