package io.hunyuan4j.text.bert;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.config.Limits;

/**
 * transformers {@code BertConfig}: the keys of HunyuanDiT's {@code text_encoder/config.json}, with transformers'
 * defaults.
 *
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code hidden_size}
 * @param numHiddenLayers {@code num_hidden_layers}
 * @param numAttentionHeads {@code num_attention_heads}
 * @param intermediateSize {@code intermediate_size}
 * @param hiddenAct {@code hidden_act}
 * @param maxPositionEmbeddings {@code max_position_embeddings}: the longest input
 * @param typeVocabSize {@code type_vocab_size}
 * @param layerNormEps {@code layer_norm_eps}
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/bert/configuration_bert.py">transformers BertConfig</a>
 */
public record BertConfig(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
        int intermediateSize, HiddenAct hiddenAct, int maxPositionEmbeddings, int typeVocabSize, float layerNormEps) {

    /** The activations of the intermediate layer. */
    public enum HiddenAct {
        /** Exact (erf) GELU ({@code gelu}). */
        GELU,
        /** tanh-approximated GELU ({@code gelu_new}, {@code gelu_pytorch_tanh}). */
        GELU_NEW,
        /** {@code relu}. */
        RELU
    }

    /** Checks the bounds ({@code Limits}) and the consistency of the values. */
    public BertConfig {
        Limits.require("vocab_size", vocabSize, 1, Limits.MAX_VOCAB);
        Limits.require("hidden_size", hiddenSize, 1, Limits.MAX_WIDTH);
        Limits.require("num_hidden_layers", numHiddenLayers, 1, Limits.MAX_LAYERS);
        Limits.require("num_attention_heads", numAttentionHeads, 1, Limits.MAX_HEADS);
        Limits.require("intermediate_size", intermediateSize, 1, Limits.MAX_FFN_WIDTH);
        Limits.require("max_position_embeddings", maxPositionEmbeddings, 1, Limits.MAX_POSITIONS);
        // token type 0 is added to every position, so the table needs at least that row
        Limits.require("type_vocab_size", typeVocabSize, 1, Limits.MAX_VOCAB);
        Limits.requireAbove("layer_norm_eps", layerNormEps, 0, 1);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size (" + hiddenSize
                    + ") must be divisible by num_attention_heads (" + numAttentionHeads + ")");
        }
    }

    /** {@code hidden_size / num_attention_heads}. */
    public int attentionHeadSize() {
        return hiddenSize / numAttentionHeads;
    }

    /** Entries of {@code output_hidden_states}: the embeddings, then every layer's output. */
    public int numHiddenStates() {
        return numHiddenLayers + 1;
    }

    /**
     * Reads {@code config.json}.
     *
     * @throws ConfigException naming the file and the key, on a wrong type, a value outside its bounds
     *     ({@link Limits}), an unsupported activation or a non-absolute position embedding
     */
    public static BertConfig fromJson(JsonConfig j) {
        String act = j.getString("hidden_act", "gelu");
        HiddenAct a = switch (act) {
            case "gelu" -> HiddenAct.GELU;
            case "gelu_new", "gelu_pytorch_tanh" -> HiddenAct.GELU_NEW;
            case "relu" -> HiddenAct.RELU;
            default -> {
                j.require(false, "hidden_act", "must be one of gelu, gelu_new, gelu_pytorch_tanh, relu; got \""
                        + act + "\"");
                yield HiddenAct.GELU;
            }
        };
        String positions = j.getString("position_embedding_type", "absolute");
        j.require("absolute".equals(positions), "position_embedding_type",
                "must be \"absolute\" (relative_key variants are not supported)");
        j.require(!j.getBoolean("is_decoder", false), "is_decoder", "must be false: this is the BERT encoder");
        try {
            BertConfig c = new BertConfig(j.getInt("vocab_size", 30522), j.getInt("hidden_size", 768),
                    j.getInt("num_hidden_layers", 12), j.getInt("num_attention_heads", 12),
                    j.getInt("intermediate_size", 3072), a, j.getInt("max_position_embeddings", 512),
                    j.getInt("type_vocab_size", 2), j.getFloat("layer_norm_eps", 1e-12f));
            j.logUnread();
            return c;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }
}
