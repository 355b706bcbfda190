package io.hunyuan4j.text;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.config.Limits;
import org.jspecify.annotations.Nullable;

/**
 * transformers {@code LlamaConfig}, the keys HunyuanVideo's {@code text_encoder/config.json} uses, with
 * transformers' defaults.
 *
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code hidden_size}
 * @param intermediateSize {@code intermediate_size}
 * @param numHiddenLayers {@code num_hidden_layers}
 * @param numAttentionHeads {@code num_attention_heads}
 * @param numKeyValueHeads {@code num_key_value_heads} (grouped-query attention)
 * @param headDim {@code head_dim}, default {@code hidden_size / num_attention_heads}
 * @param rmsNormEps {@code rms_norm_eps}
 * @param ropeTheta {@code rope_theta}
 * @param ropeScaling {@code rope_scaling}, null for plain RoPE
 * @param attentionBias {@code attention_bias}
 * @param mlpBias {@code mlp_bias}
 * @param maxPositionEmbeddings {@code max_position_embeddings}
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/llama/configuration_llama.py">transformers LlamaConfig</a>
 */
public record LlamaConfig(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
        int numAttentionHeads, int numKeyValueHeads, int headDim, float rmsNormEps, double ropeTheta,
        @Nullable RopeScaling ropeScaling, boolean attentionBias, boolean mlpBias, int maxPositionEmbeddings) {

    /**
     * The llama3 frequency rescaling ({@code rope_scaling} with {@code rope_type: "llama3"}).
     *
     * @param factor {@code factor}
     * @param lowFreqFactor {@code low_freq_factor}
     * @param highFreqFactor {@code high_freq_factor}
     * @param originalMaxPositionEmbeddings {@code original_max_position_embeddings}
     */
    public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor,
            int originalMaxPositionEmbeddings) {

        /** Checks that the factors are finite and ordered. */
        public RopeScaling {
            if (!(factor > 0) || !Double.isFinite(factor) || !(highFreqFactor > lowFreqFactor)
                    || !Double.isFinite(highFreqFactor) || !(lowFreqFactor > 0) || originalMaxPositionEmbeddings <= 0) {
                throw new IllegalArgumentException("rope_scaling needs a finite factor > 0, finite"
                        + " high_freq_factor > low_freq_factor > 0"
                        + " and original_max_position_embeddings > 0 but is " + this);
            }
        }
    }

    /** Checks the bounds ({@code Limits}) and the consistency of the values. */
    public LlamaConfig {
        // bounds first: the layer list and every shape are sized from these (see Limits)
        Limits.require("vocab_size", vocabSize, 1, Limits.MAX_VOCAB);
        Limits.require("hidden_size", hiddenSize, 1, Limits.MAX_WIDTH);
        Limits.require("intermediate_size", intermediateSize, 1, Limits.MAX_FFN_WIDTH);
        Limits.require("num_hidden_layers", numHiddenLayers, 1, Limits.MAX_LAYERS);
        Limits.require("num_attention_heads", numAttentionHeads, 1, Limits.MAX_HEADS);
        Limits.require("num_key_value_heads", numKeyValueHeads, 1, Limits.MAX_HEADS);
        Limits.require("head_dim", headDim, 1, Limits.MAX_HEAD_DIM);
        Limits.require("max_position_embeddings", maxPositionEmbeddings, 1, Limits.MAX_POSITIONS);
        // a negative or zero epsilon makes rsqrt(mean(x^2) + eps) NaN or infinite for small activations
        Limits.requireAbove("rms_norm_eps", rmsNormEps, 0, 1);
        Limits.requireAbove("rope_theta", ropeTheta, 0, Double.MAX_VALUE);
        if (numAttentionHeads <= 0 || numKeyValueHeads <= 0 || numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numAttentionHeads
                    + ") must be a positive multiple of num_key_value_heads (" + numKeyValueHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even for rotary embeddings but is " + headDim);
        }
    }

    /** Query heads per key/value head ({@code num_key_value_groups}). */
    public int numKeyValueGroups() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** Number of entries of {@code output_hidden_states}: embeddings, one per layer but the last, the final norm. */
    public int numHiddenStates() {
        return numHiddenLayers + 1;
    }

    /**
     * Reads {@code config.json}.
     *
     * @throws ConfigException naming the file and the key, on a wrong type, a value outside its bounds
     *     ({@link Limits}), an unsupported activation or rope type
     */
    public static LlamaConfig fromJson(JsonConfig j) {
        int hidden = j.getInt("hidden_size", 4096);
        int heads = j.getInt("num_attention_heads", 32);
        String act = j.getString("hidden_act", "silu");
        j.require("silu".equals(act), "hidden_act", "must be \"silu\" (SwiGLU); got \"" + act + "\"");
        try {
            RopeScaling scaling = null;
            if (j.has("rope_scaling")) {
                JsonConfig r = j.object("rope_scaling");
                String type = r.has("rope_type") ? r.getString("rope_type") : r.getString("type", "default");
                if ("llama3".equals(type)) {
                    scaling = new RopeScaling(r.getDouble("factor", 8.0), r.getDouble("low_freq_factor", 1.0),
                            r.getDouble("high_freq_factor", 4.0), r.getInt("original_max_position_embeddings", 8192));
                } else if (!"default".equals(type)) {
                    throw new ConfigException(j.source() + ": rope_scaling type \"" + type
                            + "\" is not supported; supported: default, llama3");
                }
            } else {
                j.getStringOrNull("rope_scaling");
            }
            LlamaConfig c = new LlamaConfig(j.getInt("vocab_size", 32000), hidden,
                    j.getInt("intermediate_size", 11008), j.getInt("num_hidden_layers", 32), heads,
                    j.getInt("num_key_value_heads", heads), j.getInt("head_dim", hidden / Math.max(1, heads)),
                    j.getFloat("rms_norm_eps", 1e-6f), j.getDouble("rope_theta", 10000.0), scaling,
                    j.getBoolean("attention_bias", false), j.getBoolean("mlp_bias", false),
                    j.getInt("max_position_embeddings", 2048));
            j.logUnread();
            return c;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }
}
