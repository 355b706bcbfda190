package io.hunyuan4j.dit.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.offload.DeviceMemoryAccountant;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.offload.Offloader;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.golden.GoldenFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Block offload of {@link HunyuanDiT2DModel} on the public v1.1 fixture's weights bound LAZY: each block is onloaded
 * around its use, the output is bit-identical to the resident forward, the peak is the shared weights plus the
 * largest block, and nothing stays resident; EAGER weights refuse block offload.
 */
class HunyuanDiTOffloadTest {

    static Path fixture(String name) {
        String p = System.getProperty("hunyuan.golden.hunyuandit");
        if (p == null) {
            throw new IllegalStateException("system property hunyuan.golden.hunyuandit is not set");
        }
        Path dir = Path.of(p).resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("fixture not found: " + dir);
        }
        return dir;
    }

    private static HunyuanDiTInput input(GoldenFixture fx, NDManager m) {
        return new HunyuanDiTInput(fx.input("hidden_states", m), fx.input("timestep", m),
                fx.input("encoder_hidden_states", m), fx.input("text_embedding_mask", m),
                fx.input("encoder_hidden_states_t5", m), fx.input("text_embedding_mask_t5", m),
                fx.input("image_meta_size", m), fx.input("style", m),
                new RotaryEmbedding(fx.input("image_rotary_emb.cos", m), fx.input("image_rotary_emb.sin", m)));
    }

    @Test
    void blockOffloadIsBitIdenticalWithinSharedPlusLargestBlock() {
        try (GoldenFixture fx = GoldenFixture.open(fixture("hunyuandit_transformer_v11"));
                NDManager m = NDManager.newBaseManager()) {
            HunyuanDiTConfig config = HunyuanDiTConfig.fromJson(fx.config());
            float[] resident;
            try (HunyuanDiT2DModel eager = HunyuanDiT2DModel.fromWeights(config, fx.weights(),
                    ComponentOptions.defaults(), "eager")) {
                resident = eager.forward(input(fx, m)).toFloatArray();
                Offloader off = new Offloader(Device.cpu(), Offload.BLOCK, ComputeDtype.FLOAT32,
                        new DeviceMemoryAccountant());
                assertThrows(IllegalStateException.class, () -> eager.blockOffload(off));
            }
            try (HunyuanDiT2DModel lazy = HunyuanDiT2DModel.fromWeights(config, fx.weights(),
                    new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.LAZY), "lazy")) {
                Map<String, List<Parameter>> groups = lazy.parameterGroups();
                List<String> expected = new ArrayList<>(List.of(Offloadable.SHARED));
                for (int i = 0; i < config.numLayers(); i++) {
                    expected.add("blocks." + i);
                }
                assertEquals(expected, List.copyOf(groups.keySet()));
                DeviceMemoryAccountant acc = new DeviceMemoryAccountant();
                Offloader off = new Offloader(Device.cpu(), Offload.BLOCK, ComputeDtype.FLOAT32, acc);
                long largest = groups.entrySet().stream().filter(e -> !e.getKey().equals(Offloadable.SHARED))
                        .mapToLong(e -> off.bytesOf(e.getValue())).max().orElseThrow();
                long budget = off.bytesOf(groups.get(Offloadable.SHARED)) + largest;
                lazy.blockOffload(off);
                for (int round = 0; round < 2; round++) {
                    assertArrayEquals(resident, lazy.forward(input(fx, m)).toFloatArray(), "round " + round);
                    assertEquals(0, acc.currentBytes());
                }
                assertEquals(budget, acc.peakBytes());
                assertTrue(lazy.allParameters().stream().noneMatch(Parameter::isLoaded), "nothing left resident");
                lazy.blockOffload(null);
            }
        }
    }
}
