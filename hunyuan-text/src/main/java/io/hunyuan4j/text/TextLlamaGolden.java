package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.golden.GoldenComponent;
import io.hunyuan4j.core.golden.GoldenFixture;
import io.hunyuan4j.core.golden.GoldenOptions;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.weights.StateDict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fixture {@code text_llama}: every hidden state of {@link LlamaTextEncoder} (count from the config), the
 * prompt embeddings {@code hidden_states[-3]} and the rotary tables.
 */
public final class TextLlamaGolden implements GoldenComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "text_llama";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        LlamaConfig config = LlamaConfig.fromJson(fx.config());
        StateDict w = fx.weights(manager, options);
        LlamaTextEncoder encoder = new LlamaTextEncoder(w, config, AttentionBackends.defaultBackend(), false);
        w.requireAllConsumed();
        NDArray ids = fx.input("input_ids", manager);
        NDArray mask = fx.input("attention_mask", manager);
        List<NDArray> states = encoder.hiddenStates(ids, mask);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < states.size(); i++) {
            out.put("hidden_states." + i, states.get(i));
        }
        out.put("last_hidden_state", states.get(states.size() - 1));
        out.put("prompt_embeds", encoder.hiddenState(ids, mask, HunyuanPromptEncoder.NUM_HIDDEN_LAYERS_TO_SKIP));
        LlamaRotaryEmbedding.Tables rope = new LlamaRotaryEmbedding(config).forward((int) ids.getShape().get(1),
                manager);
        out.put("rope_cos", rope.cos());
        out.put("rope_sin", rope.sin());
        return out;
    }
}
