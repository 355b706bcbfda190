package io.hunyuan4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.weights.CheckpointMismatchException;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.text.bert.BertConfig;
import io.hunyuan4j.text.bert.BertModel;
import io.hunyuan4j.text.t5.T5Config;
import io.hunyuan4j.text.t5.T5EncoderModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The published configs of CogVideoX's T5-XXL and HunyuanDiT's BERT and mT5-XL bind to exactly their manifests'
 * names and shapes (shared/golden-cogvideox/manifests, shared/golden-hunyuandit/manifests), allocating nothing.
 */
class T5BertRealSizeBindingTest {

    record Manifest(JsonConfig config, Map<String, Shape> tensors, long numParameters) { }

    static Manifest manifest(String family, String file) throws Exception {
        String root = System.getProperty("hunyuan.golden." + family);
        if (root == null) {
            throw new IllegalStateException("system property hunyuan.golden." + family + " is not set");
        }
        Path p = Path.of(root).resolve("manifests").resolve(file);
        JsonObject json = JsonParser.parseString(Files.readString(p)).getAsJsonObject();
        Map<String, Shape> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : json.getAsJsonObject("tensors").entrySet()) {
            var dims = e.getValue().getAsJsonObject().getAsJsonArray("shape");
            long[] s = new long[dims.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = dims.get(i).getAsLong();
            }
            tensors.put(e.getKey(), new Shape(s));
        }
        return new Manifest(JsonConfig.of(p + "#config", json.getAsJsonObject("config")), tensors,
                json.get("num_parameters").getAsLong());
    }

    private static long count(StateDict w) {
        return w.boundParameters().stream().map(Parameter::shape).mapToLong(Shape::size).sum();
    }

    @Test
    void cogVideoXT5XxlBindsItsManifest() throws Exception {
        Manifest m = manifest("cogvideox", "text_encoder.json");
        T5Config c = T5Config.fromJson(m.config());
        assertEquals(4096, c.dModel());
        assertEquals(4096, c.innerDim());
        assertTrue(c.isGatedAct());
        assertEquals(T5Config.DenseAct.GELU_NEW, c.denseActFn());
        StateDict w = StateDict.shapeOnly(m.tensors(), "text_encoder/");
        new T5EncoderModel(w, c, true);
        w.requireAllConsumed();
        assertEquals(219, w.boundParameters().size());
        assertEquals(m.numParameters(), count(w));
        assertEquals(4_762_310_656L, count(w));
    }

    @Test
    void hunyuanDiTMt5XlBindsItsManifest() throws Exception {
        Manifest m = manifest("hunyuandit", "text_encoder_2.json");
        T5Config c = T5Config.fromJson(m.config());
        assertEquals(2048, c.dModel());
        assertEquals(250112, c.vocabSize());
        StateDict w = StateDict.shapeOnly(m.tensors(), "text_encoder_2/");
        new T5EncoderModel(w, c, true);
        w.requireAllConsumed();
        assertEquals(219, w.boundParameters().size());
        assertEquals(1_669_958_656L, count(w));
        assertEquals(m.numParameters(), count(w));
    }

    @Test
    void tiedEmbedTokensCopyIsAccepted() throws Exception {
        Manifest m = manifest("hunyuandit", "text_encoder_2.json");
        Map<String, Shape> tensors = new LinkedHashMap<>(m.tensors());
        tensors.put("encoder.embed_tokens.weight", tensors.get("shared.weight"));
        StateDict w = StateDict.shapeOnly(tensors, "text_encoder_2/");
        new T5EncoderModel(w, T5Config.fromJson(m.config()), true);
        w.requireAllConsumed();
        assertEquals(220, w.boundParameters().size());
    }

    @Test
    void hunyuanDiTBertBindsItsManifest() throws Exception {
        Manifest m = manifest("hunyuandit", "text_encoder.json");
        BertConfig c = BertConfig.fromJson(m.config());
        assertEquals(1024, c.hiddenSize());
        assertEquals(64, c.attentionHeadSize());
        StateDict w = StateDict.shapeOnly(m.tensors(), "text_encoder/");
        BertModel bert = new BertModel(w, c, new ChunkedAttention(), true);
        w.requireAllConsumed();
        assertTrue(bert.hasPooler());
        assertEquals(391, w.boundParameters().size());
        assertEquals(352_035_840L, count(w));
        assertEquals(m.numParameters(), count(w));
    }

    @Test
    void bertWithoutPoolerBinds() throws Exception {
        Manifest m = manifest("hunyuandit", "text_encoder.json");
        Map<String, Shape> tensors = new LinkedHashMap<>(m.tensors());
        tensors.keySet().removeIf(k -> k.startsWith("pooler."));
        StateDict w = StateDict.shapeOnly(tensors, "text_encoder/");
        assertFalse(new BertModel(w, BertConfig.fromJson(m.config()), new ChunkedAttention(), true).hasPooler());
        w.requireAllConsumed();
    }

    @Test
    void wrongConfigOrManifestIsReportedByName() throws Exception {
        Manifest m = manifest("cogvideox", "text_encoder.json");
        Map<String, Shape> tensors = new LinkedHashMap<>(m.tensors());
        tensors.remove("encoder.block.7.layer.1.DenseReluDense.wi_1.weight");
        tensors.put("encoder.block.3.layer.0.SelfAttention.k.weight", new Shape(4096, 2048));
        StateDict w = StateDict.shapeOnly(tensors, "text_encoder/");
        new T5EncoderModel(w, T5Config.fromJson(m.config()), true);
        var e = assertThrows(CheckpointMismatchException.class, w::requireAllConsumed);
        assertTrue(e.getMessage().contains("encoder.block.7.layer.1.DenseReluDense.wi_1.weight"), e.getMessage());
        assertTrue(e.getMessage().contains(
                "encoder.block.3.layer.0.SelfAttention.k.weight expected [4096, 4096] found [4096, 2048]"),
                e.getMessage());

        Manifest bert = manifest("hunyuandit", "text_encoder.json");
        JsonObject cfg = bert.config().json().deepCopy();
        cfg.addProperty("num_hidden_layers", 23);
        StateDict w2 = StateDict.shapeOnly(bert.tensors(), "text_encoder/");
        new BertModel(w2, BertConfig.fromJson(JsonConfig.of("bert", cfg)), new ChunkedAttention(), true);
        var e2 = assertThrows(CheckpointMismatchException.class, w2::requireAllConsumed);
        assertTrue(e2.getMessage().contains("encoder.layer.23."), e2.getMessage());
    }
}
