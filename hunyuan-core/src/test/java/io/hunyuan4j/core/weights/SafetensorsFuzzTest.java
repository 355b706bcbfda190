package io.hunyuan4j.core.weights;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hunyuan4j.core.runtime.Offline;
import java.nio.file.Path;
import java.util.Map;

/**
 * Fuzz targets of the safetensors reader: the 8-byte length, the JSON header and every entry check
 * ({@link SafetensorsFile#readHeader(Path, byte[])}), and the sharded index ({@link
 * ShardedSafetensors#parseWeightMap}). Any exception other than {@link SafetensorsException} is a finding, as is a
 * validated entry that lies outside the data. {@code mvn test} replays the committed corpus
 * ({@code SafetensorsFuzzTestInputs/}); see docs/reliability.md for fuzzing them.
 */
class SafetensorsFuzzTest {

    static {
        // before any class that could start DJL: the fuzzing JVM must never reach for the network
        Offline.ensure();
    }

    private static final Path FILE = Path.of("fuzz.safetensors");
    private static final Path INDEX = Path.of("fuzz.safetensors.index.json");

    @FuzzTest(maxDuration = "10m")
    void header(byte[] data) {
        SafetensorsFile.Header h;
        try {
            h = SafetensorsFile.readHeader(FILE, data);
        } catch (SafetensorsException expected) {
            return;
        }
        for (TensorInfo t : h.tensors().values()) {
            assertTrue(t.offset() >= 8 && t.offset() + t.byteLength() <= data.length, t::toString);
            assertTrue(t.byteLength() == t.size() * t.dtype().byteSize(), t::toString);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void index(byte[] data) {
        Map<String, String> map;
        try {
            map = ShardedSafetensors.parseWeightMap(INDEX, data);
        } catch (SafetensorsException expected) {
            return;
        }
        map.forEach((k, v) -> assertTrue(k != null && v != null));
    }
}
