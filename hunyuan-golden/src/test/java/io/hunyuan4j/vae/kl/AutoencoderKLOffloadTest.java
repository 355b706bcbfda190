package io.hunyuan4j.vae.kl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.offload.DeviceMemoryAccountant;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.offload.Offloader;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.golden.GoldenFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Block offload of the 2D VAE on the public fixture's weights bound LAZY: every decoder stage is onloaded around its
 * use for each tile, the output is bit-identical to decoding with resident weights, the accountant never holds more
 * than the shared weights plus the largest decoder stage, and an encode places only the encoder group.
 */
class AutoencoderKLOffloadTest {

    private static final ComponentOptions LAZY = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32,
            LoadMode.LAZY);

    private static GoldenFixture fx;
    private static NDManager manager;
    private static AutoencoderKLConfig config;

    @BeforeAll
    static void open() {
        fx = GoldenFixture.open(Path.of(System.getProperty("hunyuan.golden.hunyuandit"), "hunyuandit_vae"));
        manager = NDManager.newBaseManager();
        config = AutoencoderKLConfig.fromJson(fx.config());
    }

    @AfterAll
    static void close() {
        manager.close();
        fx.close();
    }

    private static AutoencoderKL lazyVae() {
        return AutoencoderKL.fromWeights(config, fx.weights(), LAZY, AutoencoderKLTiling.defaults(config));
    }

    private static Offloader offloader(DeviceMemoryAccountant acc) {
        return new Offloader(Device.cpu(), Offload.BLOCK, ComputeDtype.FLOAT32, acc);
    }

    private static long blockBudget(AutoencoderKL vae) {
        Offloader sizes = offloader(new DeviceMemoryAccountant());
        Map<String, List<Parameter>> groups = vae.parameterGroups();
        long largest = vae.stageGroups().stream().filter(g -> !g.equals(Offloadable.SHARED))
                .mapToLong(g -> sizes.bytesOf(groups.get(g))).max().orElseThrow();
        return sizes.bytesOf(groups.get(Offloadable.SHARED)) + largest;
    }

    @Test
    void blockOffloadDecodesBitIdenticallyWithinSharedPlusLargestStage() {
        NDArray big = fx.input("big_latent", manager);
        // one pass, and 2 x 2 tiles
        List<AutoencoderKLTiling> tilings = List.of(AutoencoderKLTiling.defaults(config),
                new AutoencoderKLTiling(true, 64, 8, 0.25));
        float[][] resident = new float[tilings.size()][];
        try (AutoencoderKL vae = lazyVae()) {
            for (int i = 0; i < tilings.size(); i++) {
                NDArray out = vae.decode(big, tilings.get(i));
                resident[i] = out.toFloatArray();
                out.close();
            }
        }
        try (AutoencoderKL vae = lazyVae()) {
            long budget = blockBudget(vae);
            DeviceMemoryAccountant acc = new DeviceMemoryAccountant(budget);
            vae.blockOffload(offloader(acc));
            int callArrays = manager.getManagedArrays().size();
            for (int i = 0; i < tilings.size(); i++) {
                NDArray out = vae.decode(big, tilings.get(i));
                assertArrayEquals(resident[i], out.toFloatArray(), tilings.get(i).toString());
                out.close();
                assertEquals(0, acc.currentBytes(), "every group offloaded after " + tilings.get(i));
                assertEquals(callArrays, manager.getManagedArrays().size());
            }
            assertEquals(budget, acc.peakBytes());
            assertTrue(vae.allParameters().stream().noneMatch(Parameter::isLoaded), "nothing left resident");
            vae.blockOffload(null);
        }
    }

    @Test
    void encodePlacesOnlyTheEncoderGroup() {
        NDArray image = fx.input("image", manager);
        try (AutoencoderKL vae = lazyVae(); NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(image);
            long encoder = offloader(new DeviceMemoryAccountant()).bytesOf(
                    vae.parameterGroups().get(AutoencoderKL.ENCODER_GROUP));
            DeviceMemoryAccountant acc = new DeviceMemoryAccountant();
            vae.blockOffload(offloader(acc));
            vae.encode(image);
            assertEquals(encoder, acc.peakBytes());
            assertEquals(0, acc.currentBytes());
            assertFalse(vae.parameterGroups().get("decoder.mid_block").stream().anyMatch(Parameter::isLoaded));
        }
    }

    @Test
    void blockOffloadNeedsLazyWeights() {
        try (AutoencoderKL vae = AutoencoderKL.fromWeights(config, fx.weights(), ComponentOptions.defaults(),
                AutoencoderKLTiling.defaults(config))) {
            assertFalse(vae.reloadable());
            var e = assertThrows(IllegalStateException.class,
                    () -> vae.blockOffload(offloader(new DeviceMemoryAccountant())));
            assertTrue(e.getMessage().contains("LAZY") && e.getMessage().contains("EAGER"), e.getMessage());
        }
    }
}
