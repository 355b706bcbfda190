package io.hunyuan4j.dit.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.offload.Manifest;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.weights.CheckpointMismatchException;
import io.hunyuan4j.core.weights.StateDict;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The published HunyuanDiT v1.2 transformer (../shared/golden-hunyuandit/manifests/transformer.json: 1544 tensors,
 * 1.5e9 parameters) bound shape-only (nothing allocated): its config reads to {@link HunyuanDiTConfig#v12()}, the
 * names and shapes the model expects are exactly the manifest's, the v1.1 variant adds the style table and widens
 * the extra embedder, and mismatches are reported by name.
 */
class HunyuanDiTRealSizeTest {

    private static final Manifest MANIFEST = Manifest.read(HunyuanDiTOffloadTest.fixture("manifests"),
            "transformer");

    @Test
    void manifestConfigIsV12AndBindsExactly() {
        HunyuanDiTConfig config = HunyuanDiTConfig.fromJson(MANIFEST.config());
        assertEquals(HunyuanDiTConfig.v12(), config);
        assertEquals(6144, config.ffInnerDim());
        Map<String, Shape> expected = HunyuanDiT2DModel.expectedShapes(config);
        assertEquals(MANIFEST.tensors().size(), expected.size());
        assertEquals(1544, expected.size());
        assertEquals(new LinkedHashMap<>(MANIFEST.tensors()), new LinkedHashMap<>(expected));
        HunyuanDiT2DModel model = new HunyuanDiT2DModel(config, StateDict.shapeOnly(MANIFEST.tensors(), "manifest"),
                new ChunkedAttention());
        assertEquals(1_499_952_032L, model.parameters().stream().mapToLong(p -> p.shape().size()).sum());
        assertEquals(41, model.parameterGroups().size()); // shared + 40 blocks
        assertEquals(new Shape(1408, 2816), MANIFEST.tensors().get("blocks.21.skip_linear.weight"));
    }

    @Test
    void v11AddsStyleAndMetaSizeConditioning() {
        Map<String, Shape> v11 = HunyuanDiT2DModel.expectedShapes(HunyuanDiTConfig.v11());
        assertEquals(MANIFEST.tensors().size() + 1, v11.size());
        assertEquals(new Shape(1, 1408), v11.get("time_extra_emb.style_embedder.weight"));
        assertEquals(new Shape(1408 * 4, 1024 + 1536 + 1408), v11.get("time_extra_emb.extra_embedder.linear_1.weight"));
        // the v1.2 checkpoint does not bind as v1.1: the mismatch names the tensors
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
                () -> new HunyuanDiT2DModel(HunyuanDiTConfig.v11(), StateDict.shapeOnly(MANIFEST.tensors(), "v12"),
                        new ChunkedAttention()));
        assertTrue(e.getMessage().contains("style_embedder"), e.getMessage());
    }

    @Test
    void configBoundsAreChecked() {
        assertThrows(ConfigException.class, () -> HunyuanDiTConfig.fromJson(JsonConfig.parse("odd",
                "{\"in_channels\": 4, \"patch_size\": 2, \"num_layers\": 3, \"hidden_size\": 1408,"
                        + " \"attention_head_dim\": 88}")));
        assertThrows(ConfigException.class, () -> HunyuanDiTConfig.fromJson(JsonConfig.parse("hidden",
                "{\"in_channels\": 4, \"patch_size\": 2, \"hidden_size\": 1000}")));
        assertThrows(ConfigException.class, () -> HunyuanDiTConfig.fromJson(JsonConfig.parse("missing",
                "{\"patch_size\": 2}")));
        ConfigException huge = assertThrows(ConfigException.class, () -> HunyuanDiTConfig.fromJson(JsonConfig.parse(
                "huge", "{\"in_channels\": 4, \"patch_size\": 2, \"num_layers\": 1000000000}")));
        assertTrue(huge.getMessage().contains("num_layers"), huge.getMessage());
    }
}
