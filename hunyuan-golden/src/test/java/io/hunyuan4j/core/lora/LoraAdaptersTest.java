package io.hunyuan4j.core.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.offload.DeviceMemoryAccountant;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.offload.Offloader;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.Kernels;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.transformer.OriginalLayoutFiles;
import io.hunyuan4j.core.transformer.TransformerConfig;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA in each layout against the model run with merged weights {@code W + weight * (alpha / r) * B A} (the
 * oracle), fused and low-rank, several adapters at once, switching, offload, bf16, and bad files.
 */
class LoraAdaptersTest {

    private static final int RANK = 2;
    /** Factor scale: deltas of a few percent of the weights, as trained adapters have (still moving every output). */
    private static final float STD = 0.08f;

    private static Path fixture() {
        return GoldenCheck.fixturesDir().resolve("transformer");
    }

    private static TransformerConfig config() {
        return TransformerConfig.fromJson(JsonConfig.read(fixture().resolve("config.json")));
    }

    /** A LoRA factor pair for one module: A [r, in], B [out, r]. */
    private record Pair(float[] a, float[] b, long in, long out) { }

    /** Random factors for every 2-D weight of {@code weights} (original or diffusers names). */
    private static Map<String, Pair> randomFactors(Map<String, NDArray> weights, long seed) {
        Random r = new Random(seed);
        Map<String, Pair> out = new LinkedHashMap<>();
        weights.forEach((n, w) -> {
            if (n.endsWith(".weight") && w.getShape().dimension() == 2) {
                long o = w.getShape().get(0);
                long i = w.getShape().get(1);
                float[] a = new float[(int) (RANK * i)];
                float[] b = new float[(int) (o * RANK)];
                for (int k = 0; k < a.length; k++) {
                    a[k] = (float) r.nextGaussian() * STD;
                }
                for (int k = 0; k < b.length; k++) {
                    b[k] = (float) r.nextGaussian() * STD;
                }
                out.put(n.substring(0, n.length() - ".weight".length()), new Pair(a, b, i, o));
            }
        });
        return out;
    }

    private static Map<String, NDArray> diffusersWeights(GoldenFixture fx, NDManager m) {
        Map<String, NDArray> w = new LinkedHashMap<>();
        for (String n : fx.weights().names()) {
            w.put(n, fx.weights().load(n, m, DataType.FLOAT32));
        }
        return w;
    }

    /** Writes {@code weights} with {@code scale * B A} added to each factored module (the merged oracle). */
    private static Path writeMerged(Path file, Map<String, NDArray> weights, List<Map<String, Pair>> loras,
            List<Float> scales, NDManager m) {
        SafetensorsWriter wr = new SafetensorsWriter();
        weights.forEach((n, w) -> {
            NDArray merged = w.duplicate();
            String module = n.endsWith(".weight") ? n.substring(0, n.length() - 7) : n;
            for (int i = 0; i < loras.size(); i++) {
                Pair p = loras.get(i).get(module);
                if (p != null && n.endsWith(".weight")) {
                    NDArray a = m.create(p.a(), new ai.djl.ndarray.types.Shape(RANK, p.in()));
                    NDArray b = m.create(p.b(), new ai.djl.ndarray.types.Shape(p.out(), RANK));
                    merged = merged.add(b.matMul(a).mul(scales.get(i)));
                }
            }
            wr.add(n, merged, DType.F32);
        });
        return wr.write(file);
    }

    /** Writes factors with {@code keyA}/{@code keyB}/{@code keyAlpha} naming each module's tensors. */
    private static Path writeLora(Path file, Map<String, Pair> factors, java.util.function.Function<String, String[]>
            names, float alpha) {
        SafetensorsWriter wr = new SafetensorsWriter();
        factors.forEach((module, p) -> {
            String[] k = names.apply(module);
            wr.add(k[0], p.a(), DType.F32, RANK, p.in());
            wr.add(k[1], p.b(), DType.F32, p.out(), RANK);
            if (k.length > 2) {
                wr.add(k[2], new float[] {alpha}, DType.F32);
            }
        });
        return wr.write(file);
    }

    private static String[] peftNames(String module) {
        return new String[] {"transformer." + module + ".lora_A.weight", "transformer." + module + ".lora_B.weight"};
    }

    private static String[] originalNames(String module) {
        return new String[] {"diffusion_model." + module + ".lora_A.weight", "diffusion_model." + module
                + ".lora_B.weight", "diffusion_model." + module + ".alpha"};
    }

    private static String[] kohyaNames(String module) {
        String flat = "lora_unet_" + module.replace('.', '_');
        return new String[] {flat + ".lora_down.weight", flat + ".lora_up.weight", flat + ".alpha"};
    }

    private static float[] sample(HunyuanVideoTransformer3D model, NDManager m) {
        try (GoldenFixture fx = GoldenFixture.open(fixture())) {
            return model.forward(new DenoiserInput(fx.input("hidden_states", m), fx.input("timestep", m),
                    fx.input("encoder_hidden_states", m), fx.input("encoder_attention_mask", m),
                    fx.input("pooled_projections", m), fx.input("guidance", m))).toFloatArray();
        }
    }

    private static float[] run(Path weights, ComponentOptions o) {
        try (NDManager m = NDManager.newBaseManager();
                HunyuanVideoTransformer3D t = HunyuanVideoTransformer3D.load(weights, config(), o)) {
            return sample(t, m);
        }
    }

    private static double relErr(float[] got, float[] want) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < got.length; i++) {
            num = Math.max(num, Math.abs(got[i] - want[i]));
            den = Math.max(den, Math.abs(want[i]));
        }
        return num / den;
    }

    /** Three adapters (PEFT alpha from adapter_config.json, original layout, kohya) and their merged oracles. */
    private record Setup(Path peft, Path original, Path kohya, Path mergedPeft, Path mergedOriginal,
            Path mergedKohya, Path mergedTwo) { }

    private static Setup setup(Path tmp) throws IOException {
        try (GoldenFixture fx = GoldenFixture.open(fixture()); NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> diff = diffusersWeights(fx, m);
            Map<String, NDArray> orig = OriginalLayoutFiles.invert(fx.weights(), m);
            Map<String, Pair> fd = randomFactors(diff, 1);
            Map<String, Pair> fo = randomFactors(orig, 2);
            Map<String, Pair> fk = randomFactors(orig, 3);
            Path peftDir = Files.createDirectories(tmp.resolve("peft"));
            Files.writeString(peftDir.resolve("adapter_config.json"), "{\"r\": 2, \"lora_alpha\": 4}");
            Path peft = writeLora(peftDir.resolve("adapter_model.safetensors"), fd, LoraAdaptersTest::peftNames, 0);
            Path original = writeLora(tmp.resolve("original.safetensors"), fo, LoraAdaptersTest::originalNames, 1f);
            Path kohya = writeLora(tmp.resolve("kohya.safetensors"), fk, LoraAdaptersTest::kohyaNames, 8f);
            // weights 0.7 (peft, alpha/r = 2), 0.5 (original, alpha/r = 0.5), 0.9 (kohya, alpha/r = 4)
            Path mp = writeMerged(tmp.resolve("merged_peft.safetensors"), diff, List.of(fd), List.of(1.4f), m);
            // original-layout oracles are merged in the original layout and converted by the (exact) loader
            Path mo = writeMerged(tmp.resolve("merged_orig.safetensors"), orig, List.of(fo), List.of(0.25f), m);
            Path mk = writeMerged(tmp.resolve("merged_kohya.safetensors"), orig, List.of(fk), List.of(3.6f), m);
            Path m2 = writeMerged(tmp.resolve("merged_two.safetensors"), orig, List.of(fo, fk), List.of(0.25f, 3.6f),
                    m);
            return new Setup(peft, original, kohya, mp, mo, mk, m2);
        }
    }

    @Test
    void everyLayoutMatchesMergedWeightsFusedAndLowRank(@TempDir Path tmp) throws IOException {
        Setup s = setup(tmp);
        ComponentOptions o = ComponentOptions.defaults();
        float[] wantPeft = run(s.mergedPeft(), o);
        float[] wantOrig = run(s.mergedOriginal(), o);
        float[] wantKohya = run(s.mergedKohya(), o);
        float[] wantTwo = run(s.mergedTwo(), o);
        float[] base = run(fixture().resolve("weights.safetensors"), o);
        for (float[] want : List.of(wantPeft, wantOrig, wantKohya, wantTwo)) {
            assertTrue(relErr(base, want) > 1e-2, "each adapter changes the output: " + relErr(base, want));
        }
        for (LoraAdapters.Mode mode : LoraAdapters.Mode.values()) {
            try (NDManager m = NDManager.newBaseManager();
                    HunyuanVideoTransformer3D t = HunyuanVideoTransformer3D.load(fixture().resolve("weights.safetensors"),
                            config(), o);
                    LoraAdapters lora = LoraAdapters.attach(t, mode)) {
                assertEquals(LoraLayout.DIFFUSERS, lora.load("peft", s.peft()).layout());
                assertEquals(LoraLayout.ORIGINAL, lora.load("orig", s.original()).layout());
                assertEquals(LoraLayout.KOHYA, lora.load("kohya", s.kohya()).layout());
                lora.setAdapters(Map.of("peft", 0.7f));
                assertTrue(relErr(sample(t, m), wantPeft) <= 1e-4, mode + " peft " + relErr(sample(t, m), wantPeft));
                lora.setAdapters(Map.of("orig", 0.5f));
                assertTrue(relErr(sample(t, m), wantOrig) <= 1e-4, mode + " original");
                lora.setAdapters(Map.of("kohya", 0.9f));
                assertTrue(relErr(sample(t, m), wantKohya) <= 1e-4, mode + " kohya");
                lora.setAdapters(Map.of("orig", 0.5f, "kohya", 0.9f));
                assertTrue(relErr(sample(t, m), wantTwo) <= 1e-4, mode + " two adapters");
                // switching back gives what a fresh load with that adapter gives
                lora.setAdapters(Map.of("peft", 0.7f));
                assertTrue(relErr(sample(t, m), wantPeft) <= 1e-4, mode + " switched back");
                lora.remove("peft");
                assertTrue(relErr(sample(t, m), base) <= 1e-5, mode + " removed: the base model again");
            }
        }
    }

    /** Under BLOCK offload (weights re-read per block) adapters are applied as each block is onloaded. */
    @Test
    void adaptersApplyUnderBlockOffload(@TempDir Path tmp) throws IOException {
        Setup s = setup(tmp);
        float[] want = run(s.mergedTwo(), ComponentOptions.defaults());
        ComponentOptions lazy = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.LAZY);
        for (LoraAdapters.Mode mode : LoraAdapters.Mode.values()) {
            try (NDManager m = NDManager.newBaseManager();
                    HunyuanVideoTransformer3D t = HunyuanVideoTransformer3D.load(fixture().resolve("weights.safetensors"),
                            config(), lazy);
                    LoraAdapters lora = LoraAdapters.attach(t, mode)) {
                t.blockOffload(new Offloader(Device.cpu(), Offload.BLOCK, ComputeDtype.FLOAT32,
                        new DeviceMemoryAccountant()));
                lora.load("orig", s.original());
                lora.load("kohya", s.kohya());
                lora.setAdapters(Map.of("orig", 0.5f, "kohya", 0.9f));
                assertTrue(relErr(sample(t, m), want) <= 1e-4, mode + " block offload");
                assertTrue(relErr(sample(t, m), want) <= 1e-4, mode + " second pass, blocks re-read");
            }
        }
    }

    /** bf16 compute: within 3e-2 of the float32 merged oracle, both modes. */
    @Test
    void bf16MatchesMergedWeights(@TempDir Path tmp) throws IOException {
        Assumptions.assumeTrue(Kernels.available(Device.cpu()), "bf16 needs the kernel library");
        Setup s = setup(tmp);
        float[] want = run(s.mergedTwo(), ComponentOptions.defaults());
        ComponentOptions bf16 = new ComponentOptions(Device.cpu(), ComputeDtype.BF16, LoadMode.EAGER);
        for (LoraAdapters.Mode mode : LoraAdapters.Mode.values()) {
            try (NDManager m = NDManager.newBaseManager();
                    HunyuanVideoTransformer3D t = HunyuanVideoTransformer3D.load(fixture().resolve("weights.safetensors"),
                            config(), bf16);
                    LoraAdapters lora = LoraAdapters.attach(t, mode)) {
                lora.load("orig", s.original());
                lora.load("kohya", s.kohya());
                lora.setAdapters(Map.of("orig", 0.5f, "kohya", 0.9f));
                double err = relErr(sample(t, m), want);
                assertTrue(err <= 3e-2, mode + " bf16 " + err);
            }
        }
    }

    @Test
    void badFilesGiveTypedErrorsNamingTheKeys(@TempDir Path tmp) {
        try (HunyuanVideoTransformer3D t = HunyuanVideoTransformer3D.load(fixture().resolve("weights.safetensors"),
                config(), ComponentOptions.defaults());
                LoraAdapters lora = LoraAdapters.attach(t, LoraAdapters.Mode.LOW_RANK)) {
            // an SD-style kohya file: no HunyuanVideo module
            Path sd = new SafetensorsWriter()
                    .add("lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight", new float[4], DType.F32, 2, 2)
                    .add("transformer.transformer_blocks.0.attn.to_q.dora_scale", new float[2], DType.F32, 2)
                    .write(tmp.resolve("sd.safetensors"));
            LoraException e = assertThrows(LoraException.class, () -> lora.load("sd", sd));
            assertEquals(LoraException.Kind.UNKNOWN_KEYS, e.kind());
            assertEquals(2, e.keys().size());
            assertTrue(e.getMessage().contains("lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight"));
            // a Flux-style module this transformer lacks
            Path flux = new SafetensorsWriter()
                    .add("transformer.x_embedder.lora_A.weight", new float[2 * 64], DType.F32, 2, 64)
                    .add("transformer.x_embedder.lora_B.weight", new float[32 * 2], DType.F32, 32, 2)
                    .write(tmp.resolve("flux.safetensors"));
            e = assertThrows(LoraException.class, () -> lora.load("flux", flux));
            assertEquals(LoraException.Kind.UNMATCHED_MODULES, e.kind());
            assertTrue(e.getMessage().contains("x_embedder"), e.getMessage());
            // rank mismatch between A and B
            Path rank = new SafetensorsWriter()
                    .add("transformer.transformer_blocks.0.attn.to_q.lora_A.weight", new float[2 * 32], DType.F32, 2, 32)
                    .add("transformer.transformer_blocks.0.attn.to_q.lora_B.weight", new float[32 * 3], DType.F32, 32, 3)
                    .write(tmp.resolve("rank.safetensors"));
            e = assertThrows(LoraException.class, () -> lora.load("rank", rank));
            assertEquals(LoraException.Kind.SHAPE_MISMATCH, e.kind());
            assertTrue(e.getMessage().contains("transformer_blocks.0.attn.to_q"), e.getMessage());
            // lora_A without lora_B
            Path half = new SafetensorsWriter()
                    .add("transformer.proj_out.lora_A.weight", new float[2 * 32], DType.F32, 2, 32)
                    .write(tmp.resolve("half.safetensors"));
            e = assertThrows(LoraException.class, () -> lora.load("half", half));
            assertEquals(LoraException.Kind.INCOMPLETE, e.kind());
            assertThrows(IllegalArgumentException.class, () -> lora.setAdapters(Map.of("missing", 1f)));
        }
    }

    /**
     * {@link UnmatchedKeys#WARN} skips DoRA magnitudes, keys of no layout and modules the transformer lacks (listing
     * them in {@link LoraAdapter#skipped()}) and applies the rest exactly; {@link UnmatchedKeys#FAIL} rejects the
     * same file; a file with nothing left to apply fails either way, and broken modules still fail.
     */
    @Test
    void lenientModeSkipsUnmatchedKeysAndAppliesTheRest(@TempDir Path tmp) throws IOException {
        Setup s = setup(tmp);
        float[] want = run(s.mergedPeft(), ComponentOptions.defaults());
        // the PEFT adapter plus a DoRA magnitude, a kohya SD key and a module this transformer lacks
        Path mixed = tmp.resolve("peft/mixed.safetensors");
        SafetensorsWriter wr = new SafetensorsWriter();
        try (io.hunyuan4j.core.weights.TensorSource peft = io.hunyuan4j.core.weights.Checkpoints.open(s.peft())) {
            wr.addAll(peft);
            wr.add("transformer.transformer_blocks.0.attn.to_q.lora_magnitude_vector", new float[32], DType.F32, 32);
            wr.add("lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight", new float[4], DType.F32, 2, 2);
            wr.add("transformer.transformer_blocks.7.attn.to_q.lora_A.weight", new float[2 * 32], DType.F32, 2, 32);
            wr.add("transformer.transformer_blocks.7.attn.to_q.lora_B.weight", new float[32 * 2], DType.F32, 32, 2);
            wr.write(mixed);
        }
        try (NDManager m = NDManager.newBaseManager();
                HunyuanVideoTransformer3D t = HunyuanVideoTransformer3D.load(fixture().resolve("weights.safetensors"),
                        config(), ComponentOptions.defaults());
                LoraAdapters lora = LoraAdapters.attach(t, LoraAdapters.Mode.LOW_RANK)) {
            LoraException strict = assertThrows(LoraException.class, () -> lora.load("strict", mixed));
            assertEquals(LoraException.Kind.UNKNOWN_KEYS, strict.kind());
            LoraAdapter a = lora.load("mixed", mixed, UnmatchedKeys.WARN);
            assertEquals(java.util.Set.of("transformer.transformer_blocks.0.attn.to_q.lora_magnitude_vector",
                    "lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight",
                    "transformer.transformer_blocks.7.attn.to_q.lora_A.weight",
                    "transformer.transformer_blocks.7.attn.to_q.lora_B.weight"), new java.util.HashSet<>(a.skipped()));
            assertEquals(a.skipped().size(), new java.util.HashSet<>(a.skipped()).size(), "each key listed once");
            lora.setAdapters(Map.of("mixed", 0.7f));
            assertTrue(relErr(sample(t, m), want) <= 1e-4, "the matched modules apply exactly");
            // only unmatched modules: nothing to apply
            Path foreign = new SafetensorsWriter()
                    .add("transformer.x_embedder.lora_A.weight", new float[2 * 64], DType.F32, 2, 64)
                    .add("transformer.x_embedder.lora_B.weight", new float[32 * 2], DType.F32, 32, 2)
                    .write(tmp.resolve("foreign.safetensors"));
            LoraException none = assertThrows(LoraException.class,
                    () -> lora.load("foreign", foreign, UnmatchedKeys.WARN));
            assertEquals(LoraException.Kind.UNMATCHED_MODULES, none.kind());
            // only DoRA keys: nothing to apply
            Path dora = new SafetensorsWriter()
                    .add("transformer.proj_out.dora_scale", new float[32], DType.F32, 32)
                    .write(tmp.resolve("dora.safetensors"));
            assertEquals(LoraException.Kind.UNKNOWN_KEYS, assertThrows(LoraException.class,
                    () -> lora.load("dora", dora, UnmatchedKeys.WARN)).kind());
            // a mis-shaped matched module is not skipped
            Path rank = new SafetensorsWriter()
                    .add("transformer.transformer_blocks.0.attn.to_q.lora_A.weight", new float[2 * 32], DType.F32, 2, 32)
                    .add("transformer.transformer_blocks.0.attn.to_q.lora_B.weight", new float[32 * 3], DType.F32, 32, 3)
                    .add("transformer.transformer_blocks.0.attn.to_q.dora_scale", new float[32], DType.F32, 32)
                    .write(tmp.resolve("rank.safetensors"));
            assertEquals(LoraException.Kind.SHAPE_MISMATCH, assertThrows(LoraException.class,
                    () -> lora.load("rank", rank, UnmatchedKeys.WARN)).kind());
        }
    }
}
