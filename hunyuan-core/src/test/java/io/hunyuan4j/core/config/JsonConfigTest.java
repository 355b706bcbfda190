package io.hunyuan4j.core.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict config.json reading: every error names the file and the key; unknown keys are not fatal. */
class JsonConfigTest {

    @TempDir
    Path dir;

    private Path config(String json) throws IOException {
        return Files.writeString(dir.resolve("config.json"), json);
    }

    private static void fails(Runnable r, String... parts) {
        ConfigException e = assertThrows(ConfigException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), e.getMessage() + " should contain " + p);
        }
    }

    @Test
    void readsValuesAndDefaults() throws IOException {
        JsonConfig c = JsonConfig.read(config("""
                {"_class_name": "HunyuanVideoTransformer3DModel", "in_channels": 16, "mlp_ratio": 4.0,
                 "qk_norm": "rms_norm", "guidance_embeds": true, "rope_axes_dim": [16, 56, 56],
                 "big": 12345678901, "scales": [0.5, 1], "names": ["a", "b"], "sample_size": null}
                """));
        assertEquals(16, c.getInt("in_channels", 4));
        assertEquals(24, c.getInt("num_attention_heads", 24), "absent: the reference default");
        assertEquals(32, c.getInt("sample_size", 32), "null: the default");
        assertEquals(4f, c.getFloat("mlp_ratio", 1f));
        assertEquals("rms_norm", c.getString("qk_norm"));
        assertTrue(c.getBoolean("guidance_embeds", false));
        assertArrayEquals(new int[] {16, 56, 56}, c.getIntArray("rope_axes_dim", 1, 2));
        assertEquals(12345678901L, c.getLong("big", 0));
        assertArrayEquals(new float[] {0.5f, 1f}, c.getFloatArray("scales"));
        assertEquals(List.of("a", "b"), c.getStringList("names", List.of()));
        assertEquals(Set.of(), c.unreadKeys(), "_class_name is bookkeeping, not an unknown key");
    }

    @Test
    void missingRequiredKey() throws IOException {
        Path f = config("{\"in_channels\": 16}");
        fails(() -> JsonConfig.read(f).getInt("num_layers"), f.toString(), "missing required key \"num_layers\"");
        fails(() -> JsonConfig.read(f).getString("qk_norm"), "missing required key \"qk_norm\"");
    }

    @Test
    void wrongTypes() throws IOException {
        Path f = config("""
                {"a": "16", "b": 1.5, "c": "yes", "d": 3, "e": [1, "x"], "f": {"g": 1}, "h": "12", "i": 1e12}
                """);
        JsonConfig c = JsonConfig.read(f);
        fails(() -> c.getInt("a", 0), f.toString(), "key \"a\" must be an integer but is \"16\"");
        fails(() -> c.getInt("b", 0), "key \"b\" must be an integer but is 1.5");
        fails(() -> c.getBoolean("c", false), "key \"c\" must be true or false");
        fails(() -> c.getString("d", ""), "key \"d\" must be a string but is 3");
        fails(() -> c.getIntArray("e"), "key \"e[1]\" must be an integer");
        fails(() -> c.getFloat("f", 0f), "key \"f\" must be a number");
        fails(() -> c.getLong("h", 0), "key \"h\" must be an integer but is \"12\"");
        fails(() -> c.getInt("i", 0), "key \"i\" must be an integer");
        fails(() -> c.getIntArray("d"), "key \"d\" must be an array");
        assertEquals(1, c.object("f").getInt("g"));
        fails(() -> c.object("d"), "key \"d\" must be an object");
    }

    @Test
    void invalidValueNamesFileKeyValueAndRule() throws IOException {
        Path f = config("{\"num_attention_heads\": 0}");
        JsonConfig c = JsonConfig.read(f);
        int heads = c.getInt("num_attention_heads", 24);
        fails(() -> c.require(heads > 0, "num_attention_heads", "must be positive"), f.toString(),
                "invalid value for \"num_attention_heads\" = 0: must be positive");
        fails(() -> c.require(false, "patch_size", "must divide the height"), "\"patch_size\" = (default)");
    }

    @Test
    void malformedJson() throws IOException {
        Path truncated = config("{\"in_channels\": 16,");
        fails(() -> JsonConfig.read(truncated), truncated.toString(), "malformed JSON");
        Path array = config("[1, 2]");
        fails(() -> JsonConfig.read(array), "config is not a JSON object");
        fails(() -> JsonConfig.read(dir.resolve("absent.json")), "config file not found");
    }

    @Test
    void unknownKeysAreLoggedNotFatal() throws IOException {
        JsonConfig c = JsonConfig.read(config("{\"in_channels\": 16, \"future_option\": 1, \"other\": [1]}"));
        assertEquals(16, c.getInt("in_channels", 4));
        assertEquals(Set.of("future_option", "other"), c.unreadKeys());
        c.logUnread();   // debug log only: must not throw
        c.getInt("future_option", 0);
        assertEquals(Set.of("other"), c.unreadKeys());
    }

    @Test
    void numbersBeyondFloatAndNonUtf8FilesAreNamed() throws IOException {
        Path f = config("{\"mlp_ratio\": 1e39, \"shift\": -1e400, \"theta\": 1e400}");
        JsonConfig c = JsonConfig.read(f);
        fails(() -> c.getFloat("mlp_ratio", 4f), f.toString(), "key \"mlp_ratio\" must be a finite number");
        fails(() -> c.getFloat("shift"), "key \"shift\" must be a finite number");
        fails(() -> c.getDouble("theta", 1.0), "key \"theta\" must be a finite number");
        Path latin = Files.write(dir.resolve("latin.json"), new byte[] {'{', '"', (byte) 0xe9, '"', ':', '1', '}'});
        fails(() -> JsonConfig.read(latin), latin.toString(), "not valid UTF-8");
    }
}
