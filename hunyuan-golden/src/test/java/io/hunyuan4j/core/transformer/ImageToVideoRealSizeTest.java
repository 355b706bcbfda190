package io.hunyuan4j.core.transformer;

import io.hunyuan4j.core.api.ImageConditionType;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.offload.Manifest;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.golden.GoldenCheck;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The published image-to-video transformers' names and shapes (test resources {@code manifests/}, see its README
 * for where the configs come from): the config read from the manifest implies exactly its tensors, and the 13B
 * model binds to them shape-only (nothing allocated).
 */
class ImageToVideoRealSizeTest {

    private static Manifest manifest(String folder) {
        try {
            return Manifest.read(Path.of(ImageToVideoRealSizeTest.class.getResource("/manifests/" + folder).toURI()),
                    "transformer");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @CsvSource({"HunyuanVideo-I2V, TOKEN_REPLACE, 1264, 12821012544",
        "HunyuanVideo-I2V-33ch, LATENT_CONCAT, 1260, 12810991680"})
    void configImpliesTheManifestAndBinds(String folder, ImageConditionType type, int tensors, long parameters) {
        Manifest m = manifest(folder);
        TransformerConfig config = TransformerConfig.fromJson(m.config());
        assertEquals(type, config.imageConditionType());
        assertEquals(m.tensors(), HunyuanVideoTransformer3D.expectedShapes(config));
        assertEquals(tensors, m.tensors().size());
        assertEquals(parameters, m.parameters());
        var model = new HunyuanVideoTransformer3D(config, StateDict.shapeOnly(m.tensors(), folder),
                new ChunkedAttention());
        assertEquals(tensors, model.parameters().size());
    }

    @ParameterizedTest
    @CsvSource({"HunyuanVideo-I2V", "HunyuanVideo-I2V-33ch"})
    void differsFromTextToVideoOnlyInTheImageInputs(String folder) {
        Manifest t2v = Manifest.read(GoldenCheck.fixturesDir().resolve("manifests"), "transformer");
        Manifest i2v = manifest(folder);
        var expected = new java.util.TreeMap<>(t2v.tensors());
        if (folder.endsWith("33ch")) {
            expected.keySet().removeIf(n -> n.startsWith("time_text_embed.guidance_embedder."));
            expected.put("x_embedder.proj.weight", new Shape(3072, 33, 1, 2, 2));
        }
        assertEquals(expected, new java.util.TreeMap<>(i2v.tensors()));
    }
}
