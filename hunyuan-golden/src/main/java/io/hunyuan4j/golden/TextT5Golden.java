package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.text.t5.T5Attention;
import io.hunyuan4j.text.t5.T5Config;
import io.hunyuan4j.text.t5.T5EncoderModel;
import io.hunyuan4j.text.t5.T5Precision;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fixture {@code text_t5} (CogVideoX's T5 v1.1 encoder): the unmasked call CogVideoX makes and the masked call
 * ({@code masked.*}), every hidden state and block output, the position bias each block adds, the [L, L] bucket
 * grid and the bucket of every {@code bucket_table.relative_position}. The encoder follows the SDK's T5 precision
 * policy ({@link T5Precision#FLOAT32}), so a bf16 run is checked at the modules' bf16 bound like every other.
 */
public final class TextT5Golden implements GoldenComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "text_t5";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        T5Config config = T5Config.fromJson(fx.config());
        StateDict w = fx.weights(manager, encoderOptions(options));
        T5EncoderModel encoder = new T5EncoderModel(w, config, false);
        w.requireAllConsumed();
        NDArray ids = fx.input("input_ids", manager);
        NDArray mask = fx.input("attention_mask", manager);
        Map<String, NDArray> out = new LinkedHashMap<>();
        // 1. CogVideoX's call: no attention mask (transformers then masks nothing: an all-ones mask)
        T5EncoderModel.Output o = encoder.forward(ids, null, true);
        putStates(out, "", o);
        for (int i = 0; i < o.blockOutputs().size(); i++) {
            out.put("encoder.block." + i, o.blockOutputs().get(i));
        }
        long[] shape = {ids.getShape().get(0), config.numHeads(), ids.getShape().get(1), ids.getShape().get(1)};
        // the all-ones mask adds zeros and gives the bias its batch axis
        out.put("position_bias", o.positionBias().broadcast(shape));
        // 2. The masked call
        T5EncoderModel.Output m = encoder.forward(ids, mask, true);
        putStates(out, "masked.", m);
        out.put("masked.position_bias", m.positionBias());
        // 3. Buckets
        int l = (int) ids.getShape().get(1);
        out.put("relative_position_bucket", T5Attention.relativePositionBuckets(l, l, config, manager));
        if (fx.inputs().names().contains("bucket_table.relative_position")) {
            out.put("bucket_table.bucket", bucketTable(fx.input("bucket_table.relative_position", manager), config));
        }
        return out;
    }

    /** The options the SDK's T5 policy gives the encoder: {@link T5Precision#FLOAT32} under every compute dtype. */
    static GoldenOptions encoderOptions(GoldenOptions options) {
        return new GoldenOptions(T5Precision.FLOAT32.weightDtype(options.computeDtype()), options.device());
    }

    static void putStates(Map<String, NDArray> out, String prefix, T5EncoderModel.Output o) {
        for (int i = 0; i < o.hiddenStates().size(); i++) {
            out.put(prefix + "hidden_states." + i, o.hiddenStates().get(i));
        }
        out.put(prefix + "last_hidden_state", o.lastHiddenState());
    }

    /** The bidirectional bucket of each relative position (INT64, same shape). */
    static NDArray bucketTable(NDArray relativePositions, T5Config config) {
        long[] rel = relativePositions.toType(DataType.INT64, false).toLongArray();
        long[] buckets = new long[rel.length];
        for (int i = 0; i < rel.length; i++) {
            buckets[i] = T5Attention.relativePositionBucket(rel[i], true, config.relativeAttentionNumBuckets(),
                    config.relativeAttentionMaxDistance());
        }
        return HostArrays.longs(relativePositions.getManager(), buckets, relativePositions.getShape());
    }
}
