package io.hunyuan4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Llama and CLIP configs: sizes bounded before any layer is built, epsilons and token ids checked, every error a
 * {@link ConfigException} naming the file and the key. The published configs pass.
 */
class TextConfigBoundsTest {

    @TempDir
    Path dir;

    private void rejected(Function<JsonConfig, ?> reader, String json, String key) throws IOException {
        Path f = Files.writeString(dir.resolve("config.json"), json);
        ConfigException e = assertThrows(ConfigException.class, () -> reader.apply(JsonConfig.read(f)), json);
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void llamaBoundsAndEpsilon() throws IOException {
        rejected(LlamaConfig::fromJson, "{\"num_hidden_layers\": 1e9}", "num_hidden_layers");
        rejected(LlamaConfig::fromJson, "{\"vocab_size\": 2147483647}", "vocab_size");
        rejected(LlamaConfig::fromJson, "{\"intermediate_size\": 1e9}", "intermediate_size");
        rejected(LlamaConfig::fromJson, "{\"rms_norm_eps\": -1e-5}", "rms_norm_eps");
        rejected(LlamaConfig::fromJson, "{\"rms_norm_eps\": 0}", "rms_norm_eps");
        // structural errors that were plain IllegalArgumentExceptions without the file
        rejected(LlamaConfig::fromJson, "{\"num_attention_heads\": 32, \"num_key_value_heads\": 5}",
                "num_key_value_heads");
        rejected(LlamaConfig::fromJson, "{\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": -1}}",
                "rope_scaling");
    }

    @Test
    void clipBoundsEpsilonAndEosToken() throws IOException {
        rejected(ClipConfig::fromJson, "{\"num_hidden_layers\": 1e9}", "num_hidden_layers");
        rejected(ClipConfig::fromJson, "{\"layer_norm_eps\": -1}", "layer_norm_eps");
        rejected(ClipConfig::fromJson, "{\"vocab_size\": 49408, \"eos_token_id\": 49408}", "eos_token_id");
        rejected(ClipConfig::fromJson, "{\"eos_token_id\": -5}", "eos_token_id");
        rejected(ClipConfig::fromJson, "{\"hidden_size\": 768, \"num_attention_heads\": 7}", "num_attention_heads");
    }

    @Test
    void thePublishedConfigsAreWithinBounds() throws IOException {
        Path manifests = Path.of(System.getProperty("hunyuan.golden"), "manifests");
        LlamaConfig llama = LlamaConfig.fromJson(manifest(manifests.resolve("text_encoder.json")));
        assertEquals(32, llama.numHiddenLayers());
        ClipConfig clip = ClipConfig.fromJson(manifest(manifests.resolve("text_encoder_2.json")));
        assertEquals(12, clip.numHiddenLayers());
    }

    private static JsonConfig manifest(Path file) throws IOException {
        JsonObject config = JsonParser.parseString(Files.readString(file)).getAsJsonObject().getAsJsonObject("config");
        return JsonConfig.of(file.toString(), config);
    }
}
