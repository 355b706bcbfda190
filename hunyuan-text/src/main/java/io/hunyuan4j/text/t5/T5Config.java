package io.hunyuan4j.text.t5;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.config.Limits;

/**
 * transformers {@code T5Config} / {@code MT5Config}: the keys of an encoder's {@code config.json}, with
 * transformers' defaults ({@code model_type} {@code mt5} picks MT5Config's).
 *
 * @param vocabSize {@code vocab_size}
 * @param dModel {@code d_model}
 * @param dKv {@code d_kv}: width of one head (the inner width {@code num_heads * d_kv} need not be {@code d_model})
 * @param dFf {@code d_ff}
 * @param numLayers {@code num_layers}: encoder blocks
 * @param numHeads {@code num_heads}
 * @param relativeAttentionNumBuckets {@code relative_attention_num_buckets}
 * @param relativeAttentionMaxDistance {@code relative_attention_max_distance}
 * @param layerNormEpsilon {@code layer_norm_epsilon}
 * @param denseActFn the activation {@code feed_forward_proj} names ({@code "gated-gelu"} means {@code gelu_new})
 * @param isGatedAct whether the feed-forward is gated ({@code "gated-*"}: {@code wi_0}, {@code wi_1}, {@code wo})
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/t5/configuration_t5.py">transformers T5Config</a>
 */
public record T5Config(int vocabSize, int dModel, int dKv, int dFf, int numLayers, int numHeads,
        int relativeAttentionNumBuckets, int relativeAttentionMaxDistance, float layerNormEpsilon,
        DenseAct denseActFn, boolean isGatedAct) {

    /** The feed-forward activations {@code feed_forward_proj} may name. */
    public enum DenseAct {
        /** {@code relu} (T5 v1.0). */
        RELU,
        /** tanh-approximated GELU ({@code gelu_new}; what {@code "gated-gelu"} selects). */
        GELU_NEW,
        /** Exact (erf) GELU ({@code gelu}, only reachable through a non-gated {@code "gelu"}). */
        GELU,
        /** {@code silu}. */
        SILU
    }

    /** Checks the bounds ({@code Limits}) of the values. */
    public T5Config {
        Limits.require("vocab_size", vocabSize, 1, Limits.MAX_VOCAB);
        Limits.require("d_model", dModel, 1, Limits.MAX_WIDTH);
        Limits.require("d_kv", dKv, 1, Limits.MAX_HEAD_DIM);
        Limits.require("d_ff", dFf, 1, Limits.MAX_FFN_WIDTH);
        Limits.require("num_layers", numLayers, 1, Limits.MAX_LAYERS);
        Limits.require("num_heads", numHeads, 1, Limits.MAX_HEADS);
        // bidirectional buckets split the range in two halves, each with an exact part of half its size
        Limits.require("relative_attention_num_buckets", relativeAttentionNumBuckets, 4, 1 << 16);
        Limits.require("relative_attention_max_distance", relativeAttentionMaxDistance,
                relativeAttentionNumBuckets / 4 + 1, Limits.MAX_POSITIONS);
        Limits.requireAbove("layer_norm_epsilon", layerNormEpsilon, 0, 1);
        if ((long) numHeads * dKv > Limits.MAX_WIDTH) {
            throw new IllegalArgumentException("num_heads * d_kv must be <= " + Limits.MAX_WIDTH + " but is "
                    + (long) numHeads * dKv);
        }
    }

    /** {@code num_heads * d_kv}: width of q, k, v. */
    public int innerDim() {
        return numHeads * dKv;
    }

    /** Entries of {@code output_hidden_states}: one before each block, then the final-norm output. */
    public int numHiddenStates() {
        return numLayers + 1;
    }

    /**
     * Reads {@code config.json}.
     *
     * @throws ConfigException naming the file and the key, on a wrong type, a value outside its bounds
     *     ({@link Limits}), an unsupported {@code feed_forward_proj} or a decoder-only config
     */
    public static T5Config fromJson(JsonConfig j) {
        boolean mt5 = "mt5".equals(j.getString("model_type", "t5"));
        String proj = j.getString("feed_forward_proj", mt5 ? "gated-gelu" : "relu");
        String[] parts = proj.split("-");
        boolean gated = parts.length == 2 && "gated".equals(parts[0]);
        j.require(parts.length == 1 || gated, "feed_forward_proj",
                "must be \"<act>\" or \"gated-<act>\" (e.g. \"gated-gelu\"); got \"" + proj + "\"");
        String act = parts[parts.length - 1];
        // transformers' T5Config: "gated-gelu" means the tanh approximation (gelu_new), for backwards compatibility
        DenseAct a = switch (gated && "gelu".equals(act) ? "gelu_new" : act) {
            case "relu" -> DenseAct.RELU;
            case "gelu_new", "gelu_pytorch_tanh" -> DenseAct.GELU_NEW;
            case "gelu" -> DenseAct.GELU;
            case "silu", "swish" -> DenseAct.SILU;
            default -> {
                j.require(false, "feed_forward_proj", "activation must be relu, gelu, gelu_new or silu; got \""
                        + proj + "\"");
                yield DenseAct.RELU;
            }
        };
        // derived by transformers from feed_forward_proj (which wins); read so they are not reported as unknown
        j.getStringOrNull("dense_act_fn");
        j.getBoolean("is_gated_act", gated);
        j.getInt("num_decoder_layers", 0);
        j.require(!j.getBoolean("is_decoder", false), "is_decoder", "must be false: this is the T5 encoder");
        try {
            int dModel = j.getInt("d_model", 512);
            T5Config c = new T5Config(j.getInt("vocab_size", mt5 ? 250112 : 32128), dModel, j.getInt("d_kv", 64),
                    j.getInt("d_ff", mt5 ? 1024 : 2048), j.getInt("num_layers", mt5 ? 8 : 6),
                    j.getInt("num_heads", mt5 ? 6 : 8), j.getInt("relative_attention_num_buckets", 32),
                    j.getInt("relative_attention_max_distance", 128), j.getFloat("layer_norm_epsilon", 1e-6f), a,
                    gated);
            j.logUnread();
            return c;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }
}
