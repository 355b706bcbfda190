package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.text.HunyuanPromptEncoder;
import io.hunyuan4j.text.LlamaConfig;
import io.hunyuan4j.text.LlamaRotaryEmbedding;
import io.hunyuan4j.text.LlamaTextEncoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fixture {@code text_llama}: every hidden state of {@link LlamaTextEncoder} (count from the config), the
 * prompt embeddings {@code hidden_states[-(num_hidden_layers_to_skip + 1)]} and the rotary tables. The skip is
 * what the fixture README states ({@code num_hidden_layers_to_skip = N}; the config is transformers' plain
 * {@code LlamaConfig}), else the pipeline's {@link HunyuanPromptEncoder#NUM_HIDDEN_LAYERS_TO_SKIP}.
 */
public final class TextLlamaGolden implements GoldenComponent {

    private static final Pattern README_SKIP = Pattern.compile("num_hidden_layers_to_skip\\s*=\\s*(\\d+)");

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
        out.put("prompt_embeds", encoder.hiddenState(ids, mask, numHiddenLayersToSkip(fx.readme())));
        LlamaRotaryEmbedding.Tables rope = new LlamaRotaryEmbedding(config).forward((int) ids.getShape().get(1),
                manager);
        out.put("rope_cos", rope.cos());
        out.put("rope_sin", rope.sin());
        return out;
    }

    /**
     * The README's {@code num_hidden_layers_to_skip = N}, else {@link HunyuanPromptEncoder#NUM_HIDDEN_LAYERS_TO_SKIP}.
     *
     * @param readme the fixture README's text ({@code ""} when it has none)
     */
    static int numHiddenLayersToSkip(String readme) {
        Matcher m = README_SKIP.matcher(readme);
        return m.find() ? Integer.parseInt(m.group(1)) : HunyuanPromptEncoder.NUM_HIDDEN_LAYERS_TO_SKIP;
    }
}
