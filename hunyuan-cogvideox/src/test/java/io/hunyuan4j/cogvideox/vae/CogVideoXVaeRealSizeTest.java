package io.hunyuan4j.cogvideox.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.CheckpointMismatchException;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The released CogVideoX-2b / -5b VAE (../shared/golden-cogvideox/manifests/vae.json) binds exactly the published
 * names and shapes, shape-only (no weight is allocated), and groups them into the offload stages.
 */
class CogVideoXVaeRealSizeTest {

    private static CogVideoXVaeConfig config;
    private static Map<String, Shape> manifest;
    private static long numParameters;

    @BeforeAll
    static void readManifest() throws Exception {
        Path file = Path.of(System.getProperty("hunyuan.golden.cogvideox"), "manifests", "vae.json");
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        config = CogVideoXVaeConfig.fromJson(JsonConfig.of(file + "#config", root.getAsJsonObject("config")));
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

    private static AutoencoderKLCogVideoX bind(Map<String, Shape> tensors) {
        return new AutoencoderKLCogVideoX(config, StateDict.shapeOnly(tensors, "vae/"),
                CogVideoXTiling.defaults(config), ComputeDtype.FLOAT32, LoadMode.SHAPE_ONLY, null, null);
    }

    @Test
    void realConfigBindsExactlyTheManifest() {
        CogVideoXVaeConfig d = CogVideoXVaeConfig.defaults();
        assertEquals(new CogVideoXVaeConfig(d.inChannels(), d.outChannels(), d.downBlockTypes(), d.upBlockTypes(),
                d.blockOutChannels(), d.latentChannels(), d.layersPerBlock(), d.actFn(), d.normEps(),
                d.normNumGroups(), d.temporalCompressionRatio(), d.sampleHeight(), d.sampleWidth(), 0.7f, null,
                List.of(), List.of(), true, false, false, false), config, "the 5B config is the 2B one at 0.7");
        bind(manifest); // requireAllConsumed: no missing, unexpected or mis-shaped tensor
        Map<String, Shape> implied = AutoencoderKLCogVideoX.parameterShapes(config);
        assertEquals(manifest, implied);
        assertEquals(numParameters, implied.values().stream().mapToLong(Shape::size).sum());
        assertEquals(8, config.spatialCompressionRatio());
    }

    @Test
    void offloadGroupsFollowTheDecodeOrder() {
        AutoencoderKLCogVideoX vae = bind(manifest);
        assertEquals(List.of(Offloadable.SHARED, "decoder.mid_block", "decoder.up_blocks.0", "decoder.up_blocks.1",
                "decoder.up_blocks.2", "decoder.up_blocks.3", AutoencoderKLCogVideoX.ENCODER_GROUP),
                List.copyOf(vae.parameterGroups().keySet()));
        assertEquals(List.of("decoder.conv_in.conv.bias", "decoder.conv_in.conv.weight",
                "decoder.conv_out.conv.bias", "decoder.conv_out.conv.weight",
                "decoder.norm_out.conv_b.conv.bias", "decoder.norm_out.conv_b.conv.weight",
                "decoder.norm_out.conv_y.conv.bias", "decoder.norm_out.conv_y.conv.weight",
                "decoder.norm_out.norm_layer.bias", "decoder.norm_out.norm_layer.weight"),
                vae.parameterGroups().get(Offloadable.SHARED).stream().map(Parameter::name).sorted().toList());
        assertTrue(vae.parameterGroups().get(AutoencoderKLCogVideoX.ENCODER_GROUP).stream()
                .allMatch(p -> p.name().startsWith("encoder.")));
        assertEquals(manifest.size(), vae.parameterGroups().values().stream().mapToInt(List::size).sum());
        assertTrue(!vae.stageGroups().contains(AutoencoderKLCogVideoX.ENCODER_GROUP));
    }

    @Test
    void aMissingRenamedOrMisShapedTensorIsReported() {
        Map<String, Shape> broken = new LinkedHashMap<>(manifest);
        broken.remove("decoder.up_blocks.3.resnets.2.conv2.conv.bias");
        broken.put("decoder.up_blocks.3.resnets.2.conv2.conv.beta", new Shape(128));
        broken.put("encoder.down_blocks.0.downsamplers.0.conv.weight", new Shape(128, 128, 1, 3, 3));
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class, () -> bind(broken));
        String m = e.getMessage();
        assertTrue(m.contains("decoder.up_blocks.3.resnets.2.conv2.conv.bias"), m);
        assertTrue(m.contains("decoder.up_blocks.3.resnets.2.conv2.conv.beta"), m);
        assertTrue(m.contains("encoder.down_blocks.0.downsamplers.0.conv.weight"), m);
    }
}
