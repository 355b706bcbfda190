package io.hunyuan4j.vae;

import io.hunyuan4j.core.nn.DiagonalGaussianDistribution;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.GoldenFiles;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.CheckpointMismatchException;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.RandomWeights;
import io.hunyuan4j.core.weights.StateDict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The released HunyuanVideo VAE's config (../shared/golden/manifests/vae.json) binds to exactly the published
 * names and shapes, and the real-width network runs on a tiny input with seeded random weights.
 */
class VaeRealSizeTest {

    private static VaeConfig config;
    private static Map<String, Shape> manifest;
    private static long numParameters;

    @BeforeAll
    static void readManifest() throws Exception {
        Path file = GoldenFiles.dir().resolve("manifests").resolve("vae.json");
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        config = VaeConfig.fromJson(JsonConfig.of(file + "#config", root.getAsJsonObject("config")));
        numParameters = root.get("num_parameters").getAsLong();
        manifest = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("tensors").entrySet()) {
            manifest.put(e.getKey(), shape(e.getValue().getAsJsonObject().getAsJsonArray("shape")));
        }
    }

    private static Shape shape(com.google.gson.JsonArray a) {
        long[] d = new long[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsLong();
        }
        return new Shape(d);
    }

    @Test
    void realConfigBindsExactlyTheManifest() {
        assertEquals(VaeConfig.defaults(), config);
        // the constructor calls requireAllConsumed(): no missing, unexpected or mis-shaped tensor
        new AutoencoderKLHunyuanVideo(config, StateDict.shapeOnly(manifest, "vae/"), VaeTiling.defaults(),
                new ChunkedAttention(), ComputeDtype.FLOAT32, LoadMode.SHAPE_ONLY, null, null);
        Map<String, Shape> implied = AutoencoderKLHunyuanVideo.parameterShapes(config);
        assertEquals(manifest, implied);
        assertEquals(numParameters, implied.values().stream().mapToLong(Shape::size).sum());
    }

    @Test
    void aMissingRenamedOrMisShapedTensorIsReported() {
        Map<String, Shape> broken = new LinkedHashMap<>(manifest);
        broken.remove("decoder.up_blocks.3.resnets.2.conv2.conv.bias");
        broken.put("decoder.up_blocks.3.resnets.2.conv2.conv.beta", new Shape(128));
        broken.put("encoder.conv_in.conv.weight", new Shape(128, 4, 3, 3, 3));
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
                () -> new AutoencoderKLHunyuanVideo(config, StateDict.shapeOnly(broken, "vae/"), VaeTiling.defaults(),
                        new ChunkedAttention(), ComputeDtype.FLOAT32, LoadMode.SHAPE_ONLY, null, null));
        String m = e.getMessage();
        assertTrue(m.contains("decoder.up_blocks.3.resnets.2.conv2.conv.bias"), m);
        assertTrue(m.contains("decoder.up_blocks.3.resnets.2.conv2.conv.beta"), m);
        assertTrue(m.contains("encoder.conv_in.conv.weight"), m);
    }

    @Test
    void realWidthNetworkRunsOnATinyInput() {
        ComponentOptions lazy = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.LAZY);
        try (NDManager m = NDManager.newBaseManager();
                AutoencoderKLHunyuanVideo vae = AutoencoderKLHunyuanVideo.fromWeights(config,
                        new RandomWeights(manifest, 42), lazy, VaeTiling.defaults())) {
            NDArray latents = m.randomNormal(new Shape(1, 16, 2, 4, 4));
            NDArray video = vae.decode(latents);
            assertEquals(new Shape(1, 3, 5, 32, 32), video.getShape());
            assertTrue(Float.isFinite(video.abs().max().getFloat()));
            assertTrue(video.max().getFloat() - video.min().getFloat() > 1e-3, "decoded video is constant");
            DiagonalGaussianDistribution posterior = vae.encode(m.randomUniform(-1, 1, new Shape(1, 3, 5, 16, 16)));
            assertEquals(new Shape(1, 16, 2, 2, 2), posterior.mean().getShape());
            assertTrue(Float.isFinite(posterior.parameters().abs().max().getFloat()));
            assertEquals(manifest.size(), vae.residentWeightArrays());
        }
    }
}
