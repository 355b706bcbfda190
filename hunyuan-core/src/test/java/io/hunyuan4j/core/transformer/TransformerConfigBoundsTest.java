package io.hunyuan4j.core.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sizes in transformer/config.json are bounded before anything is built from them; the real config passes. */
class TransformerConfigBoundsTest {

    @TempDir
    Path dir;

    private Path config(String key, String value) throws IOException {
        return Files.writeString(dir.resolve("config.json"), "{\"" + key + "\": " + value + "}");
    }

    private void rejected(String key, String value) throws IOException {
        Path f = config(key, value);
        ConfigException e = assertThrows(ConfigException.class,
                () -> TransformerConfig.fromJson(JsonConfig.read(f)), key + " = " + value);
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void hugeLayerCountsAreConfigErrors() throws IOException {
        rejected("num_layers", "1e9");
        rejected("num_single_layers", "2147483647");
        rejected("num_refiner_layers", "100000");
    }

    @Test
    void hugeWidthsAndRatiosAreConfigErrors() throws IOException {
        rejected("mlp_ratio", "1e30");
        rejected("attention_head_dim", "1000000");
        rejected("num_attention_heads", "65536");
        rejected("text_embed_dim", "1e9");
        rejected("patch_size", "1000");
        // 2 * (2^31 - 2) + 132 wraps around to 128, the default attention_head_dim
        rejected("rope_axes_dim", "[2147483646, 2147483646, 132]");
    }

    @Test
    void hugeLayerCountFailsOnLoadBeforeAnyAllocation() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("transformer"));
        Files.writeString(folder.resolve("config.json"), "{\"num_layers\": 1e9}");
        ConfigException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                ConfigException.class, () -> HunyuanVideoTransformer3D.load(folder, ComponentOptions.defaults())));
        assertTrue(e.getMessage().contains("num_layers"), e.getMessage());
    }

    @Test
    void thePublishedConfigIsWithinBounds() throws IOException {
        Path manifest = Path.of(System.getProperty("hunyuan.golden"), "manifests", "transformer.json");
        JsonObject config = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject()
                .getAsJsonObject("config");
        TransformerConfig c = TransformerConfig.fromJson(JsonConfig.of(manifest.toString(), config));
        assertEquals(TransformerConfig.hunyuanVideo(), c);
    }
}
