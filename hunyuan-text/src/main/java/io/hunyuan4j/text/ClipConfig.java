package io.hunyuan4j.text;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.config.Limits;

/**
 * transformers {@code CLIPTextConfig}, the keys of HunyuanVideo's {@code text_encoder_2/config.json}, with
 * transformers' defaults.
 *
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code hidden_size}
 * @param intermediateSize {@code intermediate_size}
 * @param numHiddenLayers {@code num_hidden_layers}
 * @param numAttentionHeads {@code num_attention_heads}
 * @param maxPositionEmbeddings {@code max_position_embeddings} (77: the longest tokenized prompt)
 * @param hiddenAct {@code hidden_act}
 * @param layerNormEps {@code layer_norm_eps}
 * @param eosTokenId {@code eos_token_id}: 2 selects the legacy pooling at {@code argmax(input_ids)}
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/clip/configuration_clip.py">transformers CLIPTextConfig</a>
 */
public record ClipConfig(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
        int numAttentionHeads, int maxPositionEmbeddings, HiddenAct hiddenAct, float layerNormEps, int eosTokenId) {

    /** The MLP activations CLIP text towers use. */
    public enum HiddenAct {
        /** {@code x * sigmoid(1.702 x)} (OpenAI CLIP). */
        QUICK_GELU,
        /** Exact (erf) GELU. */
        GELU,
        /** tanh-approximated GELU ({@code gelu_new}, {@code gelu_pytorch_tanh}). */
        GELU_TANH
    }

    /** Checks the bounds ({@code Limits}) and the consistency of the values. */
    public ClipConfig {
        // bounds first: the layer list and every shape are sized from these (see Limits)
        Limits.require("vocab_size", vocabSize, 1, Limits.MAX_VOCAB);
        Limits.require("hidden_size", hiddenSize, 1, Limits.MAX_WIDTH);
        Limits.require("intermediate_size", intermediateSize, 1, Limits.MAX_FFN_WIDTH);
        Limits.require("num_hidden_layers", numHiddenLayers, 1, Limits.MAX_LAYERS);
        Limits.require("num_attention_heads", numAttentionHeads, 1, Limits.MAX_HEADS);
        Limits.require("max_position_embeddings", maxPositionEmbeddings, 1, Limits.MAX_POSITIONS);
        Limits.requireAbove("layer_norm_eps", layerNormEps, 0, 1);
        // pooling reads the hidden state at the first eos_token_id: an id outside the vocabulary never occurs,
        // and every prompt would silently pool position 0
        Limits.require("eos_token_id", eosTokenId, 0, vocabSize - 1);
        if (numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size (" + hiddenSize
                    + ") must be divisible by num_attention_heads (" + numAttentionHeads + ")");
        }
    }

    /** {@code hidden_size / num_attention_heads}. */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Whether pooling uses the legacy {@code argmax(input_ids)} rule ({@code eos_token_id == 2}). */
    public boolean legacyPooling() {
        return eosTokenId == 2;
    }

    /**
     * Reads {@code config.json}.
     *
     * @throws ConfigException naming the file and the key, on a wrong type, a value outside its bounds
     *     ({@link Limits}) or an unsupported activation
     */
    public static ClipConfig fromJson(JsonConfig j) {
        String act = j.getString("hidden_act", "quick_gelu");
        HiddenAct a = switch (act) {
            case "quick_gelu" -> HiddenAct.QUICK_GELU;
            case "gelu" -> HiddenAct.GELU;
            case "gelu_new", "gelu_pytorch_tanh" -> HiddenAct.GELU_TANH;
            default -> {
                j.require(false, "hidden_act", "must be one of quick_gelu, gelu, gelu_new, gelu_pytorch_tanh;"
                        + " got \"" + act + "\"");
                yield HiddenAct.QUICK_GELU;
            }
        };
        try {
            ClipConfig c = new ClipConfig(j.getInt("vocab_size", 49408), j.getInt("hidden_size", 512),
                    j.getInt("intermediate_size", 2048), j.getInt("num_hidden_layers", 12),
                    j.getInt("num_attention_heads", 8), j.getInt("max_position_embeddings", 77), a,
                    j.getFloat("layer_norm_eps", 1e-5f), j.getInt("eos_token_id", 49407));
            j.logUnread();
            return c;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }
}
