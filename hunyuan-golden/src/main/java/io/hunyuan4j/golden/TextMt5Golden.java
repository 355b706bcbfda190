package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.text.t5.T5Attention;
import io.hunyuan4j.text.t5.T5Config;
import io.hunyuan4j.text.t5.T5EncoderModel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fixture {@code text_mt5} (HunyuanDiT's mT5 encoder, the same {@link T5EncoderModel}): the masked call the
 * pipeline makes, every hidden state, block 0's position bias without the mask and the [L, L] bucket grid. float32
 * under every compute dtype, as the SDK's T5 precision policy runs mT5.
 */
public final class TextMt5Golden implements GoldenComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "text_mt5";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        T5Config config = T5Config.fromJson(fx.config());
        StateDict w = fx.weights(manager, TextT5Golden.encoderOptions(options));
        T5EncoderModel encoder = new T5EncoderModel(w, config, false);
        w.requireAllConsumed();
        NDArray ids = fx.input("input_ids", manager);
        NDArray mask = fx.input("attention_mask", manager);
        Map<String, NDArray> out = new LinkedHashMap<>();
        TextT5Golden.putStates(out, "", encoder.forward(ids, mask, true));
        int l = (int) ids.getShape().get(1);
        out.put("position_bias", encoder.positionBias(l, manager));
        out.put("relative_position_bucket", T5Attention.relativePositionBuckets(l, l, config, manager));
        return out;
    }
}
