package io.hunyuan4j.vae;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sizes in vae/config.json are bounded before any block is built; the published config passes. */
class VaeConfigBoundsTest {

    @TempDir
    Path dir;

    private void rejected(String json, String key) throws IOException {
        Path f = Files.writeString(dir.resolve("config.json"), json);
        ConfigException e = assertThrows(ConfigException.class, () -> VaeConfig.fromJson(JsonConfig.read(f)), json);
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void hugeSizesAreConfigErrors() throws IOException {
        rejected("{\"layers_per_block\": 1e9}", "layers_per_block");
        rejected("{\"latent_channels\": 2147483647}", "latent_channels");
        rejected("{\"block_out_channels\": [128, 256, 512, 1e9], \"norm_num_groups\": 1}", "block_out_channels");
        rejected("{\"block_out_channels\": [" + "32, ".repeat(40) + "32]}", "block_out_channels");
    }

    @Test
    void thePublishedConfigIsWithinBounds() throws IOException {
        Path manifest = Path.of(System.getProperty("hunyuan.golden"), "manifests", "vae.json");
        JsonObject config = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject()
                .getAsJsonObject("config");
        assertEquals(VaeConfig.defaults(), VaeConfig.fromJson(JsonConfig.of(manifest.toString(), config)));
    }
}
