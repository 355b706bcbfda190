package io.hunyuan4j.text;

import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.weights.InMemoryTensors;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes a tiny diffusers-layout text model folder (configs, random safetensors, SDK tiny tokenizers). */
final class TinyTextModel {

    static final int HIDDEN = 32;

    private TinyTextModel() {}

    static String llamaConfig(int vocab, int layers) {
        return "{\"architectures\": [\"LlamaModel\"], \"model_type\": \"llama\", \"vocab_size\": " + vocab
                + ", \"hidden_size\": 32, \"intermediate_size\": 64, \"num_hidden_layers\": " + layers
                + ", \"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"head_dim\": 8, \"hidden_act\": \"silu\","
                + " \"rms_norm_eps\": 1e-05, \"rope_theta\": 500000.0, \"rope_scaling\": null,"
                + " \"max_position_embeddings\": 1024, \"attention_bias\": false, \"mlp_bias\": false}";
    }

    static String clipConfig(int vocab) {
        return "{\"architectures\": [\"CLIPTextModel\"], \"vocab_size\": " + vocab + ", \"hidden_size\": 32,"
                + " \"intermediate_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4,"
                + " \"max_position_embeddings\": 77, \"hidden_act\": \"quick_gelu\", \"layer_norm_eps\": 1e-05,"
                + " \"bos_token_id\": 0, \"eos_token_id\": 2, \"pad_token_id\": 1}";
    }

    /** Writes everything under {@code dir}; {@code llamaVocab} may be smaller than the tokenizer to provoke errors. */
    static Path write(Path dir, int llamaVocab) throws IOException {
        TinyTokenizers.write(dir);
        int layers = 3;
        Files.createDirectories(dir.resolve("text_encoder"));
        Files.writeString(dir.resolve("text_encoder/config.json"), llamaConfig(llamaVocab, layers));
        Map<String, Shape> llama = new LinkedHashMap<>();
        llama.put("embed_tokens.weight", new Shape(llamaVocab, HIDDEN));
        for (int i = 0; i < layers; i++) {
            String p = "layers." + i + ".";
            llama.put(p + "input_layernorm.weight", new Shape(HIDDEN));
            llama.put(p + "post_attention_layernorm.weight", new Shape(HIDDEN));
            llama.put(p + "self_attn.q_proj.weight", new Shape(32, HIDDEN));
            llama.put(p + "self_attn.k_proj.weight", new Shape(16, HIDDEN));
            llama.put(p + "self_attn.v_proj.weight", new Shape(16, HIDDEN));
            llama.put(p + "self_attn.o_proj.weight", new Shape(HIDDEN, 32));
            llama.put(p + "mlp.gate_proj.weight", new Shape(64, HIDDEN));
            llama.put(p + "mlp.up_proj.weight", new Shape(64, HIDDEN));
            llama.put(p + "mlp.down_proj.weight", new Shape(HIDDEN, 64));
        }
        llama.put("norm.weight", new Shape(HIDDEN));
        writeSafetensors(dir.resolve("text_encoder/model.safetensors"), llama, 1);

        Files.createDirectories(dir.resolve("text_encoder_2"));
        Files.writeString(dir.resolve("text_encoder_2/config.json"), clipConfig(TinyTokenizers.CLIP_VOCAB_SIZE));
        Map<String, Shape> clip = new LinkedHashMap<>();
        String t = "text_model.";
        clip.put(t + "embeddings.token_embedding.weight", new Shape(TinyTokenizers.CLIP_VOCAB_SIZE, HIDDEN));
        clip.put(t + "embeddings.position_embedding.weight", new Shape(77, HIDDEN));
        for (int i = 0; i < 2; i++) {
            String p = t + "encoder.layers." + i + ".";
            for (String n : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                clip.put(p + "self_attn." + n + ".weight", new Shape(HIDDEN, HIDDEN));
                clip.put(p + "self_attn." + n + ".bias", new Shape(HIDDEN));
            }
            for (String n : new String[] {"layer_norm1", "layer_norm2"}) {
                clip.put(p + n + ".weight", new Shape(HIDDEN));
                clip.put(p + n + ".bias", new Shape(HIDDEN));
            }
            clip.put(p + "mlp.fc1.weight", new Shape(64, HIDDEN));
            clip.put(p + "mlp.fc1.bias", new Shape(64));
            clip.put(p + "mlp.fc2.weight", new Shape(HIDDEN, 64));
            clip.put(p + "mlp.fc2.bias", new Shape(HIDDEN));
        }
        clip.put(t + "final_layer_norm.weight", new Shape(HIDDEN));
        clip.put(t + "final_layer_norm.bias", new Shape(HIDDEN));
        writeSafetensors(dir.resolve("text_encoder_2/model.safetensors"), clip, 2);
        return dir;
    }

    /** Seeded random float32 tensors by {@link InMemoryTensors.Builder#randomLike} (the golden fixtures' scales). */
    static void writeSafetensors(Path file, Map<String, Shape> tensors, long seed) {
        new SafetensorsWriter().addAll(InMemoryTensors.builder().seed(seed).randomLike(tensors).build()).write(file);
    }
}
