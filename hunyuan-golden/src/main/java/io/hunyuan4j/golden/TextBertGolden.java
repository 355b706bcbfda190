package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.text.bert.BertConfig;
import io.hunyuan4j.text.bert.BertModel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fixture {@code text_bert} (HunyuanDiT's BERT encoder): the masked call the pipeline makes, every hidden state,
 * {@code last_hidden_state} and the pooler output.
 */
public final class TextBertGolden implements GoldenComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "text_bert";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        BertConfig config = BertConfig.fromJson(fx.config());
        StateDict w = fx.weights(manager, options);
        BertModel model = new BertModel(w, config, AttentionBackends.defaultBackend(), false);
        w.requireAllConsumed();
        BertModel.Output o = model.forward(fx.input("input_ids", manager), fx.input("attention_mask", manager), true);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < o.hiddenStates().size(); i++) {
            out.put("hidden_states." + i, o.hiddenStates().get(i));
        }
        out.put("last_hidden_state", o.lastHiddenState());
        NDArray pooled = o.poolerOutput();
        if (pooled != null) {
            out.put("pooler_output", pooled);
        }
        return out;
    }
}
