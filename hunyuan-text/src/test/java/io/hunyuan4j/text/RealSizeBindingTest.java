package io.hunyuan4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.GoldenFiles;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.weights.CheckpointMismatchException;
import io.hunyuan4j.core.weights.StateDict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The published text encoders' configs bind to exactly their manifests' names and shapes, allocating nothing. */
class RealSizeBindingTest {

    record Manifest(JsonConfig config, Map<String, Shape> tensors) { }

    static Manifest manifest(String file) throws Exception {
        Path p = GoldenFiles.dir().resolve("manifests").resolve(file);
        JsonObject root = JsonParser.parseString(Files.readString(p)).getAsJsonObject();
        Map<String, Shape> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("tensors").entrySet()) {
            long[] dims = new long[e.getValue().getAsJsonObject().getAsJsonArray("shape").size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = e.getValue().getAsJsonObject().getAsJsonArray("shape").get(i).getAsLong();
            }
            tensors.put(e.getKey(), new Shape(dims));
        }
        return new Manifest(JsonConfig.of(file + "#config", root.getAsJsonObject("config")), tensors);
    }

    @Test
    void llamaBindsItsManifest() throws Exception {
        Manifest m = manifest("text_encoder.json");
        LlamaConfig c = LlamaConfig.fromJson(m.config());
        assertEquals(4096, c.hiddenSize());
        assertEquals(33, c.numHiddenStates());
        assertEquals(4, c.numKeyValueGroups());
        StateDict w = StateDict.shapeOnly(m.tensors(), "text_encoder/");
        new LlamaTextEncoder(w, c, new ChunkedAttention(), true);
        w.requireAllConsumed();
        assertEquals(290, w.boundParameters().size());
        assertEquals(7_505_186_816L, w.boundParameters().stream().mapToLong(p -> p.shape().size()).sum());
    }

    @Test
    void clipBindsItsManifest() throws Exception {
        Manifest m = manifest("text_encoder_2.json");
        ClipConfig c = ClipConfig.fromJson(m.config());
        assertEquals(768, c.hiddenSize());
        assertTrue(c.legacyPooling(), "eos_token_id 2: argmax pooling");
        StateDict w = StateDict.shapeOnly(m.tensors(), "text_encoder_2/");
        new ClipTextEncoder(w, c, new ChunkedAttention());
        w.requireAllConsumed();
        assertEquals(196, w.boundParameters().size());
        assertEquals(123_060_480L, w.boundParameters().stream().mapToLong(p -> p.shape().size()).sum());
    }

    @Test
    void wrongConfigOrManifestIsReportedByName() throws Exception {
        Manifest m = manifest("text_encoder.json");
        Map<String, Shape> tensors = new LinkedHashMap<>(m.tensors());
        tensors.remove("layers.7.mlp.up_proj.weight");
        tensors.put("layers.3.self_attn.k_proj.weight", new Shape(4096, 4096));
        StateDict w = StateDict.shapeOnly(tensors, "text_encoder/");
        new LlamaTextEncoder(w, LlamaConfig.fromJson(m.config()), new ChunkedAttention(), true);
        var e = assertThrows(CheckpointMismatchException.class, w::requireAllConsumed);
        assertTrue(e.getMessage().contains("layers.7.mlp.up_proj.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("layers.3.self_attn.k_proj.weight expected [1024, 4096] found [4096, 4096]"),
                e.getMessage());

        Manifest clip = manifest("text_encoder_2.json");
        JsonObject cfg = clip.config().json().deepCopy();
        cfg.addProperty("num_hidden_layers", 11);
        StateDict w2 = StateDict.shapeOnly(clip.tensors(), "text_encoder_2/");
        new ClipTextEncoder(w2, ClipConfig.fromJson(JsonConfig.of("clip", cfg)), new ChunkedAttention());
        var e2 = assertThrows(CheckpointMismatchException.class, w2::requireAllConsumed);
        assertTrue(e2.getMessage().contains("text_model.encoder.layers.11."), e2.getMessage());
    }
}
