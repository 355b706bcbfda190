package io.hunyuan4j.core.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.golden.ComponentResult;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import io.hunyuan4j.golden.GoldenOptions;
import io.hunyuan4j.golden.TransformerGolden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HunyuanVideoTransformer3DTest {

    private static Path fixture() {
        return GoldenCheck.fixturesDir().resolve("transformer");
    }

    @Test
    void goldenParity() {
        GoldenCheck check = new GoldenCheck(List.of(new TransformerGolden()));
        ComponentResult r = check.check(fixture(), GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= 1e-4, r.line());
    }

    @Test
    void goldenComponentIsRegistered() {
        assertTrue(GoldenCheck.discover().implemented().contains("transformer"));
    }

    @Test
    void everyFixtureOutputIsProduced() {
        try (GoldenFixture fx = GoldenFixture.open(fixture()); NDManager m = NDManager.newBaseManager()) {
            var got = new TransformerGolden().run(fx, m, GoldenOptions.float32());
            for (String name : fx.outputs().names()) {
                assertTrue(got.containsKey(name), "missing " + name);
            }
        }
    }

    /** A diffusers folder, single-file then sharded, loads through load() and reproduces the fixture's sample. */
    @Test
    void loadsDiffusersFolderSingleAndSharded(@TempDir Path tmp) throws IOException {
        Path single = Files.createDirectories(tmp.resolve("single"));
        Files.copy(fixture().resolve("config.json"), single.resolve("config.json"));
        Files.copy(fixture().resolve("weights.safetensors"), single.resolve("diffusion_pytorch_model.safetensors"));

        Path sharded = Files.createDirectories(tmp.resolve("sharded"));
        Files.copy(fixture().resolve("config.json"), sharded.resolve("config.json"));
        String shard = "diffusion_pytorch_model-00001-of-00001.safetensors";
        Files.copy(fixture().resolve("weights.safetensors"), sharded.resolve(shard));
        JsonObject map = new JsonObject();
        try (GoldenFixture fx = GoldenFixture.open(fixture())) {
            for (String n : fx.weights().names()) {
                map.addProperty(n, shard);
            }
        }
        JsonObject index = new JsonObject();
        index.add("metadata", new JsonObject());
        index.add("weight_map", map);
        Files.writeString(sharded.resolve("diffusion_pytorch_model.safetensors.index.json"), index.toString());

        for (Path dir : List.of(single, sharded)) {
            for (LoadMode mode : List.of(LoadMode.EAGER, LoadMode.LAZY)) {
                double err = sampleError(dir, new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, mode));
                assertTrue(err <= 1e-4, dir + " " + mode + " max_rel_err " + err);
            }
        }
    }

    private static double sampleError(Path dir, ComponentOptions options) {
        try (GoldenFixture fx = GoldenFixture.open(fixture()); NDManager m = NDManager.newBaseManager();
                HunyuanVideoTransformer3D model = HunyuanVideoTransformer3D.load(dir, options)) {
            DenoiserInput in = new DenoiserInput(fx.input("hidden_states", m), fx.input("timestep", m),
                    fx.input("encoder_hidden_states", m), fx.input("encoder_attention_mask", m),
                    fx.input("pooled_projections", m), fx.input("guidance", m));
            NDArray sample = model.forward(in);
            assertEquals(m, sample.getManager(), "the result belongs to the input's manager");
            return GoldenCheck.maxRelErr(sample, fx.outputs().load("sample", m, DataType.FLOAT32));
        }
    }

    /** The diffusers unit-test config (patch 1, head dim 10) runs end to end with the expected output shape. */
    @Test
    void tinyConfigForward(@TempDir Path tmp) throws IOException {
        TransformerConfig c = TransformerConfig.tiny();
        Path dir = TestCheckpoints.write(tmp.resolve("transformer"), c, 7);
        try (NDManager m = NDManager.newBaseManager();
                HunyuanVideoTransformer3D model = HunyuanVideoTransformer3D.load(dir, ComponentOptions.defaults())) {
            assertEquals(c, model.config());
            DenoiserInput in = TinyInputs.of(m, c, 1, 16, 12, 9);
            NDArray out = model.forward(in);
            assertEquals(new Shape(1, 4, 1, 16, 16), out.getShape());
            assertFalse(out.isNaN().any().getBoolean());
            assertTrue(out.abs().max().getFloat() > 0);
            // the padded text positions never influence the result (their values are masked out as keys)
            NDArray text = in.encoderHiddenStates().duplicate();
            text.set(new ai.djl.ndarray.index.NDIndex(":, 9:, :"), 100f);
            NDArray out2 = model.forward(new DenoiserInput(in.hiddenStates(), in.timestep(), text,
                    in.encoderAttentionMask(), in.pooledProjections(), in.guidance()));
            assertEquals(0f, out.sub(out2).abs().max().getFloat(), 1e-6f);
        }
    }

    @Test
    void expectedShapesMatchTheFixtureCheckpoint() {
        try (GoldenFixture fx = GoldenFixture.open(fixture())) {
            var expected = HunyuanVideoTransformer3D.expectedShapes(TransformerConfig.fromJson(fx.config()));
            assertEquals(fx.weights().names().size(), expected.size());
            for (var e : expected.entrySet()) {
                assertEquals(fx.weights().info(e.getKey()).shape(), e.getValue(), e.getKey());
            }
        }
    }

    @Test
    void rejectsUnsupportedVariantsNamingWhatIsSupported() {
        var e = assertThrows(ConfigException.class, () -> TransformerConfig.fromJson(
                JsonConfig.parse("t", "{\"image_condition_type\": \"pixel_concat\"}")));
        assertTrue(e.getMessage().contains("pixel_concat") && e.getMessage().contains("\"token_replace\"]"),
                e.getMessage());
        var q = assertThrows(ConfigException.class, () -> TransformerConfig.fromJson(
                JsonConfig.parse("t", "{\"qk_norm\": \"layer_norm\"}")));
        assertTrue(q.getMessage().contains("qk_norm") && q.getMessage().contains("rms_norm"), q.getMessage());
        var r = assertThrows(ConfigException.class, () -> TransformerConfig.fromJson(
                JsonConfig.parse("t", "{\"rope_axes_dim\": [16, 56, 50]}")));
        assertTrue(r.getMessage().contains("rope_axes_dim"), r.getMessage());
    }

    @Test
    void defaultsAreTheDiffusersOnes() {
        assertEquals(TransformerConfig.hunyuanVideo(), TransformerConfig.fromJson(JsonConfig.parse("t", "{}")));
        TransformerConfig c = TransformerConfig.fromJson(JsonConfig.parse("t",
                "{\"in_channels\": 4, \"out_channels\": null}"));
        assertEquals(4, c.outChannels(), "out_channels or in_channels");
    }
}
