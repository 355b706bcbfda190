package io.hunyuan4j.vae.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.CheckpointMismatchException;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.StateDict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HunyuanDiT v1.2's released VAE config ({@code ../shared/golden-hunyuandit/manifests/vae.json}) binds exactly the
 * published names and shapes (248 tensors, 83,653,863 parameters), shape only: no weight is allocated.
 */
class AutoencoderKLRealSizeTest {

    private static AutoencoderKLConfig config;
    private static Map<String, Shape> manifest;
    private static long numParameters;

    @BeforeAll
    static void readManifest() throws Exception {
        Path file = Path.of(System.getProperty("hunyuan.golden.hunyuandit"), "manifests", "vae.json");
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        config = AutoencoderKLConfig.fromJson(io.hunyuan4j.core.config.JsonConfig.of(file + "#config",
                root.getAsJsonObject("config")));
        numParameters = root.get("num_parameters").getAsLong();
        manifest = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("tensors").entrySet()) {
            JsonArray a = e.getValue().getAsJsonObject().getAsJsonArray("shape");
            long[] d = new long[a.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = a.get(i).getAsLong();
            }
            manifest.put(e.getKey(), new Shape(d));
        }
    }

    private static AutoencoderKL bind(Map<String, Shape> tensors) {
        return new AutoencoderKL(config, StateDict.shapeOnly(tensors, "vae/"), AutoencoderKLTiling.defaults(config),
                new ChunkedAttention(), ComputeDtype.FLOAT32, LoadMode.SHAPE_ONLY, null, null);
    }

    @Test
    void realConfigBindsExactlyTheManifest() {
        assertEquals(AutoencoderKLConfig.hunyuanDit(), config);
        // the constructor calls requireAllConsumed(): no missing, unexpected or mis-shaped tensor
        AutoencoderKL vae = bind(manifest);
        assertEquals(manifest, AutoencoderKL.parameterShapes(config));
        assertEquals(248, manifest.size());
        assertEquals(numParameters, manifest.values().stream().mapToLong(Shape::size).sum());
        assertEquals(83_653_863L, numParameters);
        assertEquals(8, vae.spatialCompression());
        assertEquals(1, vae.temporalCompression());
        assertEquals(0.13025f, vae.scalingFactor(), 0f);
        // offload units in decode order, the encoder last; every tensor in exactly one
        List<String> groups = List.copyOf(vae.parameterGroups().keySet());
        assertEquals(List.of("shared", "decoder.mid_block", "decoder.up_blocks.0", "decoder.up_blocks.1",
                "decoder.up_blocks.2", "decoder.up_blocks.3", "encoder"), groups);
        assertEquals(groups.subList(0, 6), vae.stageGroups());
        assertEquals(manifest.size(), vae.parameterGroups().values().stream().mapToInt(List::size).sum());
        assertEquals(List.of("decoder.conv_in.bias", "decoder.conv_in.weight", "decoder.conv_norm_out.bias",
                "decoder.conv_norm_out.weight", "decoder.conv_out.bias", "decoder.conv_out.weight",
                "post_quant_conv.bias", "post_quant_conv.weight"),
                vae.parameterGroups().get("shared").stream().map(p -> p.name()).sorted().toList());
        // enable_tiling() of the real config: 512 px / 64 latent tiles, the diffusers numbers
        AutoencoderKLTiling t = AutoencoderKLTiling.enableTiling(config);
        assertEquals(new AutoencoderKLTiling(true, 512, 64, 0.25), t);
        assertEquals(48, t.decodeStride());
        assertEquals(128, t.decodeBlendExtent());
        assertEquals(384, t.decodeRowLimit());
        assertEquals(384, t.encodeStride());
        assertEquals(16, t.encodeBlendExtent());
        assertEquals(48, t.encodeRowLimit());
    }

    @Test
    void aMissingRenamedOrMisShapedTensorIsReported() {
        Map<String, Shape> broken = new LinkedHashMap<>(manifest);
        broken.remove("decoder.up_blocks.3.resnets.2.conv2.bias");
        broken.put("decoder.up_blocks.3.resnets.2.conv2.beta", new Shape(128));
        broken.put("encoder.conv_in.weight", new Shape(128, 4, 3, 3));
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class, () -> bind(broken));
        String m = e.getMessage();
        assertTrue(m.contains("decoder.up_blocks.3.resnets.2.conv2.bias"), m);
        assertTrue(m.contains("decoder.up_blocks.3.resnets.2.conv2.beta"), m);
        assertTrue(m.contains("encoder.conv_in.weight"), m);
    }
}
