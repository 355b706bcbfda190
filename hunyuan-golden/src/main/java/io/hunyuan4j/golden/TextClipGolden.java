package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.text.ClipConfig;
import io.hunyuan4j.text.ClipTextEncoder;
import java.util.LinkedHashMap;
import java.util.Map;

/** Fixture {@code text_clip}: every hidden state, {@code last_hidden_state} and {@code pooler_output} of {@link ClipTextEncoder}. */
public final class TextClipGolden implements GoldenComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "text_clip";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        ClipConfig config = ClipConfig.fromJson(fx.config());
        StateDict w = fx.weights(manager, options);
        ClipTextEncoder encoder = new ClipTextEncoder(w, config, AttentionBackends.defaultBackend());
        w.requireAllConsumed();
        ClipTextEncoder.Output o = encoder.forward(fx.input("input_ids", manager), true);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < o.hiddenStates().size(); i++) {
            out.put("hidden_states." + i, o.hiddenStates().get(i));
        }
        out.put("last_hidden_state", o.lastHiddenState());
        out.put("pooler_output", o.poolerOutput());
        return out;
    }
}
