package io.hunyuan4j.core.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hunyuan4j.core.runtime.Offline;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzz target of {@link JsonConfig}: any bytes as UTF-8 text, read through every typed getter (with and without defaults) on
 * the keys the configs use. The only allowed failure is a {@link ConfigException}. {@code mvn test} replays the
 * committed corpus; see docs/reliability.md for fuzzing it.
 */
class JsonConfigFuzzTest {

    static {
        // before any class that could start DJL: the fuzzing JVM must never reach for the network
        Offline.ensure();
    }

    private static final List<String> KEYS = List.of("a", "num_layers", "mlp_ratio", "rope_axes_dim", "qk_norm",
            "guidance_embeds", "rope_scaling", "block_out_channels", "down_block_types", "shift", "big");

    @FuzzTest(maxDuration = "10m")
    void config(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        JsonConfig c;
        try {
            c = JsonConfig.parse("fuzz/config.json", text);
        } catch (ConfigException expected) {
            return;
        }
        for (String key : KEYS) {
            read(c, key);
        }
        c.unreadKeys();
    }

    private static void read(JsonConfig c, String key) {
        try {
            c.has(key);
            c.getInt(key, 1);
        } catch (ConfigException expected) {
            // the value is not an int
        }
        attempt(() -> c.getInt(key));
        attempt(() -> c.getLong(key, 1L));
        attempt(() -> c.getFloat(key, 1f));
        attempt(() -> c.getFloat(key));
        attempt(() -> c.getDouble(key, 1.0));
        attempt(() -> c.getBoolean(key, false));
        attempt(() -> c.getString(key, "x"));
        attempt(() -> c.getStringOrNull(key));
        attempt(() -> c.getIntArray(key, 1, 2));
        attempt(() -> c.getFloatArray(key, 1f));
        attempt(() -> c.getStringList(key, List.of()));
        attempt(() -> c.object(key).getInt("type", 0));
        attempt(() -> c.require(false, key, "rule"));
    }

    private static void attempt(Runnable r) {
        try {
            r.run();
        } catch (ConfigException expected) {
            // the value has another type or is out of range
        }
    }
}
