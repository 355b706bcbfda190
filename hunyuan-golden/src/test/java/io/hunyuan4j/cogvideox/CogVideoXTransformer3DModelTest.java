package io.hunyuan4j.cogvideox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.cogvideox.transformer.CogVideoXRotaryPosEmbed;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformer3DModel;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformerConfig;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformerInput;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.offload.DeviceMemoryAccountant;
import io.hunyuan4j.core.offload.Manifest;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.offload.Offloader;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.transformer.IntermediateListener;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CogVideoXTransformer3DModel} beyond golden parity: the pipeline's RoPE builder reproduces the fixtures'
 * tables, the generic {@code Denoiser} call, block offload, input and config validation, and the binding of the
 * published 2B and 5B checkpoints' names and shapes (shape only, nothing allocated).
 */
class CogVideoXTransformer3DModelTest {

    private static GoldenFixture open(String layout) {
        return GoldenFixture.open(CogVideoXGoldenPaths.root().resolve("cogvideox_transformer").resolve(layout));
    }

    private static CogVideoXTransformer3DModel model(GoldenFixture fx, LoadMode mode) {
        return CogVideoXTransformer3DModel.fromWeights(CogVideoXTransformerConfig.fromJson(fx.config()), fx.weights(),
                new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, mode), fx.dir().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"5b", "5b_i2v", "v1_5_i2v"})
    void ropeBuilderReproducesTheFixtureTables(String layout) {
        try (GoldenFixture fx = open(layout); NDManager m = NDManager.newBaseManager()) {
            CogVideoXTransformerConfig c = CogVideoXTransformerConfig.fromJson(fx.config());
            Shape s = fx.input("hidden_states", m).getShape();
            RotaryEmbedding rope = CogVideoXRotaryPosEmbed.forLatents(m, c, (int) s.get(1), (int) s.get(3),
                    (int) s.get(4));
            assertTrue(GoldenCheck.maxRelErr(rope.cos(), fx.input("image_rotary_emb.cos", m)) <= 1e-6);
            assertTrue(GoldenCheck.maxRelErr(rope.sin(), fx.input("image_rotary_emb.sin", m)) <= 1e-6);
        }
    }

    /** The generic call: [B, C, F, H, W] latents, RoPE and ofs derived like the pipelines derive them. */
    @ParameterizedTest
    @ValueSource(strings = {"2b", "5b", "v1_5_i2v"})
    void denoiserCallMatchesTheFixtureSample(String layout) {
        try (GoldenFixture fx = open(layout); NDManager m = NDManager.newBaseManager();
                CogVideoXTransformer3DModel model = model(fx, LoadMode.EAGER)) {
            NDArray x = fx.input("hidden_states", m).transpose(0, 2, 1, 3, 4);
            NDArray unused = m.zeros(new Shape(1));
            NDArray out = model.forward(new DenoiserInput(x, fx.input("timestep", m),
                    fx.input("encoder_hidden_states", m), unused, unused, null));
            NDArray ref = fx.outputs().load("sample", m, DataType.FLOAT32).transpose(0, 2, 1, 3, 4);
            assertTrue(GoldenCheck.maxRelErr(out, ref) <= 1e-4, layout);
            assertEquals(model.config().temporalPatch(), model.patchSizeT());
            assertFalse(model.guidanceEmbeds());
        }
    }

    @Test
    void blockOffloadIsBitIdenticalAndReleasesEveryBlock() {
        try (GoldenFixture fx = open("v1_5_i2v"); NDManager m = NDManager.newBaseManager()) {
            float[] resident;
            try (CogVideoXTransformer3DModel model = model(fx, LoadMode.EAGER)) {
                resident = model.forward(input(fx, m), IntermediateListener.NONE).toFloatArray();
                assertFalse(model.reloadable());
                assertThrows(IllegalStateException.class, () -> model.blockOffload(new Offloader(Device.cpu(),
                        Offload.BLOCK, ComputeDtype.FLOAT32, new DeviceMemoryAccountant())));
            }
            try (CogVideoXTransformer3DModel model = model(fx, LoadMode.LAZY)) {
                Map<String, List<Parameter>> groups = model.parameterGroups();
                assertEquals(List.of(Offloadable.SHARED, "transformer_blocks.0", "transformer_blocks.1"),
                        List.copyOf(groups.keySet()));
                assertEquals(fx.weights().names().size(), model.allParameters().size());
                Offloader sizes = new Offloader(Device.cpu(), Offload.BLOCK, ComputeDtype.FLOAT32,
                        new DeviceMemoryAccountant());
                long budget = sizes.bytesOf(groups.get(Offloadable.SHARED))
                        + sizes.bytesOf(groups.get("transformer_blocks.0"));
                DeviceMemoryAccountant acc = new DeviceMemoryAccountant(budget);
                model.blockOffload(new Offloader(Device.cpu(), Offload.BLOCK, ComputeDtype.FLOAT32, acc));
                int arrays = m.getManagedArrays().size();
                NDArray out = model.forward(input(fx, m), IntermediateListener.NONE);
                assertArrayEquals(resident, out.toFloatArray());
                assertEquals(0, acc.currentBytes());
                assertEquals(budget, acc.peakBytes());
                assertTrue(model.allParameters().stream().noneMatch(Parameter::isLoaded));
                out.close();
                // only the inputs made by input(...) stay behind in the caller's manager
                assertTrue(m.getManagedArrays().size() <= arrays + 6, "leaked arrays");
                model.blockOffload(null);
            }
        }
    }

    private static CogVideoXTransformerInput input(GoldenFixture fx, NDManager m) {
        return new CogVideoXTransformerInput(fx.input("hidden_states", m), fx.input("encoder_hidden_states", m),
                fx.input("timestep", m), fx.input("ofs", m), new RotaryEmbedding(fx.input("image_rotary_emb.cos", m),
                        fx.input("image_rotary_emb.sin", m)));
    }

    @Test
    void badInputIsRejectedNamingTheExpectedValue() {
        try (GoldenFixture fx = open("v1_5_i2v"); NDManager m = NDManager.newBaseManager();
                CogVideoXTransformer3DModel model = model(fx, LoadMode.EAGER)) {
            CogVideoXTransformerInput good = input(fx, m);
            var noRope = new CogVideoXTransformerInput(good.hiddenStates(), good.encoderHiddenStates(),
                    good.timestep(), good.ofs(), null);
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> model.forward(noRope, IntermediateListener.NONE)).getMessage().contains("image_rotary_emb"));
            var noOfs = new CogVideoXTransformerInput(good.hiddenStates(), good.encoderHiddenStates(),
                    good.timestep(), null, good.imageRotaryEmb());
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> model.forward(noOfs, IntermediateListener.NONE)).getMessage().contains("ofs"));
            var oddFrames = new CogVideoXTransformerInput(good.hiddenStates().get(":, :3"),
                    good.encoderHiddenStates(), good.timestep(), good.ofs(), good.imageRotaryEmb());
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> model.forward(oddFrames, IntermediateListener.NONE)).getMessage().contains("patch_size_t 2"));
            var channels = new CogVideoXTransformerInput(good.hiddenStates().get(":, :, :4"),
                    good.encoderHiddenStates(), good.timestep(), good.ofs(), good.imageRotaryEmb());
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> model.forward(channels, IntermediateListener.NONE)).getMessage().contains("in_channels 8"));
        }
        try (GoldenFixture fx = open("2b"); NDManager m = NDManager.newBaseManager();
                CogVideoXTransformer3DModel model = model(fx, LoadMode.EAGER)) {
            var shortText = new CogVideoXTransformerInput(fx.input("hidden_states", m),
                    fx.input("encoder_hidden_states", m).get(":, :6"), fx.input("timestep", m), null, null);
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> model.forward(shortText, IntermediateListener.NONE)).getMessage()
                    .contains("max_text_seq_length 7"));
        }
    }

    @Test
    void configBoundsAndUnsupportedValuesFailNamingTheKey() {
        var e = assertThrows(ConfigException.class, () -> CogVideoXTransformerConfig.fromJson(JsonConfig.parse("t",
                "{\"num_layers\": 100000}")));
        assertTrue(e.getMessage().contains("num_layers"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> CogVideoXTransformerConfig.fromJson(JsonConfig.parse("t",
                "{\"activation_fn\": \"gelu\"}")));
        assertTrue(e.getMessage().contains("activation_fn"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> CogVideoXTransformerConfig.fromJson(JsonConfig.parse("t",
                "{\"use_learned_positional_embeddings\": true}")));
        assertTrue(e.getMessage().contains("use_rotary_positional_embeddings"), e.getMessage());
    }

    /** The published checkpoints' names and shapes bind exactly, shape only (~5.6B parameters, none allocated). */
    @ParameterizedTest
    @ValueSource(strings = {"transformer-2b", "transformer-5b"})
    void publishedCheckpointLayoutBindsExactly(String name) {
        Manifest manifest = Manifest.read(CogVideoXGoldenPaths.root().resolve("manifests"), name);
        CogVideoXTransformerConfig c = CogVideoXTransformerConfig.fromJson(manifest.config());
        Map<String, Shape> expected = CogVideoXTransformer3DModel.expectedShapes(c);
        assertEquals(manifest.tensors(), expected);
        assertEquals(manifest.parameters(), expected.values().stream().mapToLong(Shape::size).sum());
    }
}
