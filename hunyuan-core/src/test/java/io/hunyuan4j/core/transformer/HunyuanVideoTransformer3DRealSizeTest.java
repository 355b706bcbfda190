package io.hunyuan4j.core.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.hunyuan4j.core.GoldenFiles;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.weights.CheckpointMismatchException;
import io.hunyuan4j.core.weights.StateDict;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The 13B model built from the published checkpoint's config binds exactly the published names and shapes,
 * shape-only (nothing is allocated).
 */
class HunyuanVideoTransformer3DRealSizeTest {

    private static final Path MANIFEST = GoldenFiles.dir().resolve("manifests").resolve("transformer.json");

    private static JsonConfig manifest() {
        return JsonConfig.read(MANIFEST);
    }

    private static Map<String, Shape> tensors(JsonConfig m) {
        Map<String, Shape> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : m.json().getAsJsonObject("tensors").entrySet()) {
            var dims = e.getValue().getAsJsonObject().getAsJsonArray("shape");
            long[] s = new long[dims.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = dims.get(i).getAsLong();
            }
            out.put(e.getKey(), new Shape(s));
        }
        return out;
    }

    private static TransformerConfig config(JsonConfig m) {
        return TransformerConfig.fromJson(m.object("config"));
    }

    @Test
    void bindsAllPublishedNamesAndShapes() {
        JsonConfig m = manifest();
        Map<String, Shape> published = tensors(m);
        assertEquals(1264, published.size());
        TransformerConfig c = config(m);
        StateDict w = StateDict.shapeOnly(published, "manifests/transformer.json");
        var model = new HunyuanVideoTransformer3D(c, w, new ChunkedAttention()); // requireAllConsumed inside
        assertEquals(1264, model.parameters().size());
        long params = model.parameters().stream().mapToLong(p -> p.shape().size()).sum();
        assertEquals(m.json().get("num_parameters").getAsLong(), params);
        assertTrue(model.parameters().stream().noneMatch(p -> p.isLoaded()), "shape-only: nothing allocated");
    }

    @Test
    void aMissingNameIsReportedByName() {
        JsonConfig m = manifest();
        Map<String, Shape> published = tensors(m);
        String dropped = "single_transformer_blocks.39.attn.norm_k.weight";
        assertTrue(published.remove(dropped) != null);
        var e = assertThrows(CheckpointMismatchException.class, () -> new HunyuanVideoTransformer3D(config(m),
                StateDict.shapeOnly(published, "manifest"), new ChunkedAttention()));
        assertEquals(java.util.List.of(dropped), e.missing());
        assertTrue(e.getMessage().contains(dropped), e.getMessage());
    }

    @Test
    void anAlteredShapeIsReportedByName() {
        JsonConfig m = manifest();
        Map<String, Shape> published = tensors(m);
        String altered = "x_embedder.proj.weight";
        published.put(altered, new Shape(3072, 32, 1, 2, 2));
        var e = assertThrows(CheckpointMismatchException.class, () -> new HunyuanVideoTransformer3D(config(m),
                StateDict.shapeOnly(published, "manifest"), new ChunkedAttention()));
        assertEquals(1, e.shapeMismatches().size());
        assertTrue(e.shapeMismatches().get(0).startsWith(altered)
                && e.shapeMismatches().get(0).contains("[3072, 16, 1, 2, 2]"), e.getMessage());
        assertTrue(e.missing().isEmpty() && e.unexpected().isEmpty());
    }

    @Test
    void anExtraNameIsReportedAsUnexpected() {
        JsonConfig m = manifest();
        Map<String, Shape> published = tensors(m);
        published.put("transformer_blocks.20.norm1.linear.weight", new Shape(18432, 3072));
        var e = assertThrows(CheckpointMismatchException.class, () -> new HunyuanVideoTransformer3D(config(m),
                StateDict.shapeOnly(published, "manifest"), new ChunkedAttention()));
        assertEquals(java.util.List.of("transformer_blocks.20.norm1.linear.weight"), e.unexpected());
    }

    @Test
    void refinerWidthIsFourTimesInnerDimWhateverMlpRatio() {
        JsonObject cfg = manifest().json().getAsJsonObject("config").deepCopy();
        cfg.addProperty("mlp_ratio", 2.0);
        TransformerConfig c = TransformerConfig.fromJson(JsonConfig.of("cfg", cfg));
        Map<String, Shape> s = HunyuanVideoTransformer3D.expectedShapes(c);
        assertEquals(new Shape(12288, 3072),
                s.get("context_embedder.token_refiner.refiner_blocks.0.ff.net.0.proj.weight"));
        assertEquals(new Shape(6144, 3072), s.get("transformer_blocks.0.ff.net.0.proj.weight"));
        assertEquals(new Shape(6144, 3072), s.get("single_transformer_blocks.0.proj_mlp.weight"));
    }
}
