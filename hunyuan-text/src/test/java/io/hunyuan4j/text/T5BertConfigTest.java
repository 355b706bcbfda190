package io.hunyuan4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.weights.InMemoryTensors;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorLoader;
import io.hunyuan4j.text.bert.BertConfig;
import io.hunyuan4j.text.t5.T5Attention;
import io.hunyuan4j.text.t5.T5Config;
import io.hunyuan4j.text.t5.T5EncoderModel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Config reading and input checks of the T5 and BERT encoders: bad values are named before any heavy work. */
class T5BertConfigTest {

    private static JsonConfig json(String text) {
        return JsonConfig.parse("config.json", text);
    }

    @Test
    void t5ReadsFeedForwardProjAsTransformersDoes() {
        T5Config v11 = T5Config.fromJson(json("{\"feed_forward_proj\": \"gated-gelu\", \"d_model\": 8, \"num_heads\": 2}"));
        assertTrue(v11.isGatedAct());
        assertEquals(T5Config.DenseAct.GELU_NEW, v11.denseActFn(), "gated-gelu means gelu_new");
        T5Config v10 = T5Config.fromJson(json("{}"));
        assertFalse(v10.isGatedAct(), "T5Config's default is relu, not gated");
        assertEquals(T5Config.DenseAct.RELU, v10.denseActFn());
        T5Config mt5 = T5Config.fromJson(json("{\"model_type\": \"mt5\"}"));
        assertTrue(mt5.isGatedAct(), "MT5Config's default is gated-gelu");
        assertEquals(250112, mt5.vocabSize());
    }

    @Test
    void badT5AndBertConfigsNameTheKey() {
        var e1 = assertThrows(ConfigException.class,
                () -> T5Config.fromJson(json("{\"feed_forward_proj\": \"gated-swiglu-x\"}")));
        assertTrue(e1.getMessage().contains("feed_forward_proj"), e1.getMessage());
        var e2 = assertThrows(ConfigException.class, () -> T5Config.fromJson(json("{\"d_kv\": 0}")));
        assertTrue(e2.getMessage().contains("d_kv"), e2.getMessage());
        var e3 = assertThrows(ConfigException.class,
                () -> T5Config.fromJson(json("{\"relative_attention_num_buckets\": 32, \"relative_attention_max_distance\": 4}")));
        assertTrue(e3.getMessage().contains("relative_attention_max_distance"), e3.getMessage());
        var e4 = assertThrows(ConfigException.class,
                () -> BertConfig.fromJson(json("{\"hidden_size\": 30, \"num_attention_heads\": 4}")));
        assertTrue(e4.getMessage().contains("num_attention_heads"), e4.getMessage());
        var e5 = assertThrows(ConfigException.class,
                () -> BertConfig.fromJson(json("{\"position_embedding_type\": \"relative_key\"}")));
        assertTrue(e5.getMessage().contains("position_embedding_type"), e5.getMessage());
    }

    @Test
    void bucketsFollowTheMeshTensorFlowFormula() {
        // 32 buckets, max_distance 128: |rel| < 8 exact, 8 log buckets up to 128, clamp at 15; j > i adds 16
        assertEquals(0, T5Attention.relativePositionBucket(0, true, 32, 128));
        assertEquals(7, T5Attention.relativePositionBucket(-7, true, 32, 128));
        assertEquals(16 + 7, T5Attention.relativePositionBucket(7, true, 32, 128));
        assertEquals(8, T5Attention.relativePositionBucket(-8, true, 32, 128));
        assertEquals(10, T5Attention.relativePositionBucket(-16, true, 32, 128), "8 + log(2)/log(16)*8 = 10");
        assertEquals(15, T5Attention.relativePositionBucket(-127, true, 32, 128));
        assertEquals(15, T5Attention.relativePositionBucket(-1000, true, 32, 128));
        assertEquals(31, T5Attention.relativePositionBucket(1000, true, 32, 128));
    }

    @Test
    void idsOutsideTheVocabularyAndBadMasksAreRefused() {
        T5Config c = T5Config.fromJson(json("{\"vocab_size\": 10, \"d_model\": 4, \"d_kv\": 2, \"d_ff\": 6,"
                + " \"num_layers\": 1, \"num_heads\": 2, \"feed_forward_proj\": \"gated-gelu\"}"));
        Map<String, Shape> shapes = new LinkedHashMap<>();
        StateDict probe = StateDict.shapeOnly(Map.of(), "probe");
        new T5EncoderModel(probe, c, false);
        for (var p : probe.boundParameters()) {
            shapes.put(p.name(), p.shape());
        }
        try (NDManager m = NDManager.newBaseManager();
                InMemoryTensors w = InMemoryTensors.builder().seed(3).randomLike(shapes).build()) {
            StateDict sd = StateDict.load(w, m, LoadMode.EAGER, TensorLoader.float32(), "tiny");
            T5EncoderModel t5 = new T5EncoderModel(sd, c, false);
            sd.requireAllConsumed();
            var ids = HostArrays.longs(m, new long[] {1, 2, 10}, new Shape(1, 3));
            var e = assertThrows(IllegalArgumentException.class, () -> t5.lastHiddenState(ids, null));
            assertTrue(e.getMessage().contains("[0, 10)"), e.getMessage());
            var ok = HostArrays.longs(m, new long[] {1, 2, 3}, new Shape(1, 3));
            var mask = HostArrays.longs(m, new long[] {1, 2, 0}, new Shape(1, 3));
            assertThrows(IllegalArgumentException.class, () -> t5.lastHiddenState(ok, mask));
            assertEquals(new Shape(1, 3, 4), t5.lastHiddenState(ok, null).getShape());
        }
    }
}
