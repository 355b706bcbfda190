package io.hunyuan4j.core.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.transformer.TransformerConfig;
import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.TensorSource;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * LoRA against diffusers: the three adapters of {@code golden-sets/lora} (original, kohya, PEFT layouts, made by
 * tools/golden/make_lora_fixtures.py) on the public transformer fixture give the outputs diffusers computes with
 * {@code W + weight * (alpha / r) * B A} merged into the weights, alone and together, in both modes; the
 * diffusers-named modules the original file maps to are the ones diffusers' LoRA converter names.
 */
class LoraDiffusersOracleTest {

    private static final Path SET = Path.of(System.getProperty("hunyuan.root"), "hunyuan-golden", "src", "test",
            "resources", "golden-sets", "lora");

    private static Path fixture() {
        return GoldenCheck.fixturesDir().resolve("transformer");
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

    @ParameterizedTest
    @EnumSource(LoraAdapters.Mode.class)
    void everyLayoutGivesDiffusersMergedOutputs(LoraAdapters.Mode mode) {
        check(mode, ComputeDtype.FLOAT32, 1e-4);
    }

    @ParameterizedTest
    @EnumSource(LoraAdapters.Mode.class)
    void bf16StaysWithinTheBf16Tolerance(LoraAdapters.Mode mode) {
        check(mode, ComputeDtype.BF16, 3e-2);
    }

    private static void check(LoraAdapters.Mode mode, ComputeDtype dtype, double tol) {
        TransformerConfig config = TransformerConfig.fromJson(JsonConfig.read(fixture().resolve("config.json")));
        ComponentOptions o = new ComponentOptions(ai.djl.Device.cpu(), dtype, LoadMode.EAGER);
        try (NDManager m = NDManager.newBaseManager();
                GoldenFixture fx = GoldenFixture.open(fixture());
                TensorSource expected = Checkpoints.open(SET.resolve("expected.safetensors"));
                HunyuanVideoTransformer3D t = HunyuanVideoTransformer3D.load(fixture().resolve("weights.safetensors"),
                        config, o);
                LoraAdapters lora = LoraAdapters.attach(t, mode)) {
            DenoiserInput in = new DenoiserInput(fx.input("hidden_states", m), fx.input("timestep", m),
                    fx.input("encoder_hidden_states", m), fx.input("encoder_attention_mask", m),
                    fx.input("pooled_projections", m), fx.input("guidance", m));
            assertEquals(LoraLayout.ORIGINAL, lora.load("original", SET.resolve("lora_original.safetensors")).layout());
            assertEquals(LoraLayout.KOHYA, lora.load("kohya", SET.resolve("lora_kohya.safetensors")).layout());
            assertEquals(LoraLayout.DIFFUSERS,
                    lora.load("peft", SET.resolve("lora_peft/adapter_model.safetensors")).layout());
            Map<String, Map<String, Float>> cases = Map.of(
                    "base", Map.of(),
                    "original", Map.of("original", 0.8f),
                    "kohya", Map.of("kohya", 0.6f),
                    "peft", Map.of("peft", 0.7f),
                    "combined", Map.of("original", 0.5f, "kohya", -0.4f, "peft", 0.3f));
            for (var c : new TreeMap<>(cases).entrySet()) {
                lora.setAdapters(c.getValue());
                float[] want = expected.load("sample." + c.getKey(), m, DataType.FLOAT32).toFloatArray();
                double err = relErr(t.forward(in).toFloatArray(), want);
                assertTrue(err <= tol, mode + " " + dtype + " " + c.getKey() + ": " + err);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = LoraAdapters.Mode.class, names = "LOW_RANK")
    void theOriginalFileAdaptsTheModulesDiffusersNames(LoraAdapters.Mode mode) throws IOException {
        JsonObject keys = JsonParser.parseString(Files.readString(SET.resolve("diffusers_lora_keys.json")))
                .getAsJsonObject();
        Map<String, Shape> want = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : keys.entrySet()) {
            String k = e.getKey();
            if (k.endsWith(".lora_B.weight")) {
                var dims = e.getValue().getAsJsonArray();
                want.put(k.substring("transformer.".length(), k.length() - ".lora_B.weight".length()),
                        new Shape(dims.get(0).getAsLong(), dims.get(1).getAsLong()));
            }
        }
        TransformerConfig config = TransformerConfig.fromJson(JsonConfig.read(fixture().resolve("config.json")));
        try (LoraAdapter adapter = LoraAdapter.open(SET.resolve("lora_original.safetensors"),
                LoraAdapters.linearShapes(HunyuanVideoTransformer3D.expectedShapes(config)), config.innerDim());
                NDManager m = NDManager.newBaseManager()) {
            Map<String, Shape> got = new TreeMap<>();
            adapter.modules().keySet().stream()
                    .filter(k -> !k.matches(".*token_refiner.*attn\\.to_[qkv]")) // diffusers fails on these
                    .forEach(k -> got.put(k, adapter.loraB(k, m).getShape()));
            assertEquals(want, got);
        }
    }
}
