package io.hunyuan4j.core.pipeline;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.runtime.Offline;
import io.hunyuan4j.core.scheduler.SchedulerConfig;
import io.hunyuan4j.core.transformer.TransformerConfig;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target of the model-index and component-config stage of {@code fromPretrained}, everything it does
 * before reading weights: {@code model_index.json} ({@link ModelIndex#validate}), {@code transformer/config.json}
 * ({@link TransformerConfig#fromJson}) and {@code scheduler/scheduler_config.json} ({@link SchedulerConfig#fromJson}).
 * One input holds the three files separated by NUL bytes. The only allowed failure is a {@link ConfigException}, raised before anything is allocated from the values.
 * {@code mvn test} replays the committed corpus; see docs/reliability.md for fuzzing it.
 */
class ModelIndexFuzzTest {

    static {
        // before any class that could start DJL: the fuzzing JVM must never reach for the network
        Offline.ensure();
    }

    @FuzzTest(maxDuration = "10m")
    void load(byte[] data) {
        // three files in one input, separated by NUL bytes (which JSON text never holds)
        String[] files = new String(data, StandardCharsets.UTF_8).split("\u0000", 3);
        String index = files[0];
        String transformer = files.length > 1 ? files[1] : "{}";
        String scheduler = files.length > 2 ? files[2] : "{}";
        try {
            ModelIndex.validate(JsonConfig.parse("fuzz/model_index.json", index));
        } catch (ConfigException expected) {
            // a malformed index stops the load here
        }
        try {
            TransformerConfig c = TransformerConfig.fromJson(JsonConfig.parse("fuzz/transformer/config.json",
                    transformer));
            c.mlpDim();
            c.projOutChannels();
        } catch (ConfigException expected) {
            // refused before any block is built
        }
        try {
            SchedulerConfig.fromJson(JsonConfig.parse("fuzz/scheduler/scheduler_config.json", scheduler));
        } catch (ConfigException expected) {
            // refused before any schedule is made
        }
    }
}
