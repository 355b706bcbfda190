package io.hunyuan4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorLoader;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlamaTextEncoderTest {

    private static LlamaTextEncoder fixtureEncoder(GoldenFixture fx, NDManager m, boolean stream) {
        LlamaConfig c = LlamaConfig.fromJson(fx.config());
        StateDict w = StateDict.load(fx.weights(), m, LoadMode.LAZY, TensorLoader.float32(), "text_llama/");
        LlamaTextEncoder e = new LlamaTextEncoder(w, c, new ChunkedAttention(), stream);
        w.requireAllConsumed();
        return e;
    }

    @Test
    void partialRunEqualsTheFullListAndStreamingChangesNothing() {
        try (GoldenFixture fx = GoldenFixture.open(GoldenCheck.fixturesDir().resolve("text_llama"));
                NDManager m = NDManager.newBaseManager()) {
            LlamaTextEncoder resident = fixtureEncoder(fx, m, false);
            LlamaTextEncoder streamed = fixtureEncoder(fx, m, true);
            NDArray ids = fx.input("input_ids", m);
            NDArray mask = fx.input("attention_mask", m);
            List<NDArray> all = resident.hiddenStates(ids, mask);
            assertEquals(5, all.size());
            for (int skip = 0; skip <= 4; skip++) {
                NDArray one = streamed.hiddenState(ids, mask, skip);
                assertEquals(0.0, GoldenCheck.maxRelErr(one, all.get(4 - skip)), 1e-7, "skip " + skip);
            }
            assertTrue(streamed.parameters().stream().noneMatch(p -> p.isLoaded()));
        }
    }

    @Test
    void badTokenInputsAreRejectedBeforeAnyWork() {
        try (GoldenFixture fx = GoldenFixture.open(GoldenCheck.fixturesDir().resolve("text_llama"));
                NDManager m = NDManager.newBaseManager()) {
            LlamaTextEncoder e = fixtureEncoder(fx, m, true);
            NDArray ids = m.create(new long[] {1, 5, 7}, new Shape(1, 3));
            var mismatch = assertThrows(IllegalArgumentException.class,
                    () -> e.hiddenState(ids, m.create(new long[] {1, 1}, new Shape(1, 2)), 2));
            assertTrue(mismatch.getMessage().contains("attention_mask shape (1, 2) must equal input_ids shape (1, 3)"),
                    mismatch.getMessage());
            var oov = assertThrows(IllegalArgumentException.class,
                    () -> e.hiddenState(m.create(new long[] {1, 320}, new Shape(1, 2)), m.ones(new Shape(1, 2)), 2));
            assertTrue(oov.getMessage().contains("input_ids must be in [0, 320) (vocab_size) but contain 320"),
                    oov.getMessage());
            var neg = assertThrows(IllegalArgumentException.class,
                    () -> e.hiddenState(m.create(new long[] {-1, 3}, new Shape(1, 2)), m.ones(new Shape(1, 2)), 2));
            assertTrue(neg.getMessage().contains("contain -1"), neg.getMessage());
            var badMask = assertThrows(IllegalArgumentException.class,
                    () -> e.hiddenState(ids, m.create(new long[] {1, 2, 0}, new Shape(1, 3)), 2));
            assertTrue(badMask.getMessage().contains("only 0 and 1"), badMask.getMessage());
            var skip = assertThrows(IllegalArgumentException.class, () -> e.hiddenState(ids, m.ones(new Shape(1, 3)), 5));
            assertTrue(skip.getMessage().contains("numHiddenLayersToSkip must be in [0, 4]"), skip.getMessage());
            assertTrue(e.parameters().stream().noneMatch(p -> p.isLoaded()), "nothing loaded for rejected inputs");
        }
    }

    @Test
    void llama3RopeScalingFollowsTransformers() {
        String json = "{\"hidden_size\": 64, \"num_attention_heads\": 1, \"head_dim\": 64, \"rope_theta\": 500000.0,"
                + " \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0,"
                + " \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192}}";
        LlamaConfig c = LlamaConfig.fromJson(JsonConfig.parse("config.json", json));
        float[] inv = LlamaRotaryEmbedding.invFreq(c);
        LlamaConfig plain = LlamaConfig.fromJson(JsonConfig.parse("config.json", json.replaceAll(
                ", \"rope_scaling\": \\{[^}]*\\}", "")));
        float[] base = LlamaRotaryEmbedding.invFreq(plain);
        assertEquals(base[0], inv[0], 0f, "high frequency (wavelen < 2048) unchanged");
        assertEquals(base[31] / 8, inv[31], 1e-12f, "low frequency (wavelen > 8192) divided by factor");
        int medium = -1;
        for (int i = 0; i < 32; i++) {
            double wl = 2 * Math.PI / base[i];
            if (wl >= 2048 && wl <= 8192) {
                medium = i;
            }
        }
        double wl = 2 * Math.PI / base[medium];
        double smooth = (8192 / wl - 1) / 3;
        assertEquals((float) ((1 - smooth) * base[medium] / 8 + smooth * base[medium]), inv[medium], 1e-9f);
        var e = assertThrows(ConfigException.class, () -> LlamaConfig.fromJson(JsonConfig.parse("config.json",
                "{\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}}")));
        assertTrue(e.getMessage().contains("yarn") && e.getMessage().contains("llama3"), e.getMessage());
    }
}
