package io.hunyuan4j.vae;

import io.hunyuan4j.core.nn.DiagonalGaussianDistribution;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.offload.DeviceBudgetExceededException;
import io.hunyuan4j.core.offload.DeviceMemoryAccountant;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.offload.Offloader;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Block offload of the VAE on the golden fixture's weights bound LAZY: every decoder stage is onloaded around
 * its use for each tile, the output is bit-identical to decoding with resident weights, the accountant never
 * holds more than the shared weights plus the largest decoder stage, and nothing stays behind.
 */
class VaeOffloadTest {

    private static final ComponentOptions LAZY = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32,
            LoadMode.LAZY);
    /** Frame-wise (the default), frame-wise + spatial tiles (the golden tiling), and the whole latent at once. */
    private static final List<VaeTiling> TILINGS = List.of(VaeTiling.defaults(),
            new VaeTiling(true, true, true, 24, 24, 12, 16, 16, 8), VaeTiling.none());

    private static GoldenFixture fx;
    private static NDManager manager;

    @BeforeAll
    static void open() {
        fx = GoldenFixture.open(GoldenCheck.fixturesDir().resolve("vae"));
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
        fx.close();
    }

    private static AutoencoderKLHunyuanVideo lazyVae() {
        return AutoencoderKLHunyuanVideo.fromWeights(VaeConfig.fromJson(fx.config()), fx.weights(), LAZY,
                VaeTiling.defaults());
    }

    private static Offloader offloader(DeviceMemoryAccountant acc) {
        return new Offloader(Device.cpu(), Offload.BLOCK, ComputeDtype.FLOAT32, acc);
    }

    /** Shared weights plus the largest decoder stage: what block-offloaded decoding must fit in. */
    private static long blockBudget(AutoencoderKLHunyuanVideo vae) {
        Offloader sizes = offloader(new DeviceMemoryAccountant());
        Map<String, List<Parameter>> groups = vae.parameterGroups();
        long largest = vae.stageGroups().stream().filter(g -> !g.equals(Offloadable.SHARED))
                .mapToLong(g -> sizes.bytesOf(groups.get(g))).max().orElseThrow();
        return sizes.bytesOf(groups.get(Offloadable.SHARED)) + largest;
    }

    @Test
    void groupsFollowTheDecoderAndKeepTheEncoderOutOfDecoding() {
        try (AutoencoderKLHunyuanVideo vae = lazyVae()) {
            Map<String, List<Parameter>> groups = vae.parameterGroups();
            assertEquals(List.of(Offloadable.SHARED, "decoder.mid_block", "decoder.up_blocks.0", "decoder.up_blocks.1",
                    "decoder.up_blocks.2", "decoder.up_blocks.3", "encoder"), List.copyOf(groups.keySet()));
            assertEquals(List.of(Offloadable.SHARED, "decoder.mid_block", "decoder.up_blocks.0", "decoder.up_blocks.1",
                    "decoder.up_blocks.2", "decoder.up_blocks.3"), vae.stageGroups());
            assertEquals(fx.weights().names().size(), vae.allParameters().size());
            assertTrue(groups.get("encoder").stream().allMatch(p -> p.name().startsWith("encoder.")
                    || p.name().startsWith("quant_conv.")));
            assertEquals(List.of("decoder.conv_in.conv.bias", "decoder.conv_in.conv.weight",
                    "decoder.conv_norm_out.bias", "decoder.conv_norm_out.weight", "decoder.conv_out.conv.bias",
                    "decoder.conv_out.conv.weight", "post_quant_conv.bias", "post_quant_conv.weight"),
                    groups.get(Offloadable.SHARED).stream().map(Parameter::name).sorted().toList());
            for (int i = 0; i < 4; i++) {
                String g = "decoder.up_blocks." + i;
                assertTrue(groups.get(g).stream().allMatch(p -> p.name().startsWith(g + ".")), g);
            }
        }
    }

    @Test
    void blockOffloadDecodesBitIdenticallyWithinSharedPlusLargestStage() {
        NDArray big = fx.input("big_latent", manager);
        NDArray latent = fx.input("latent", manager);
        float[][] resident = new float[TILINGS.size()][];
        try (AutoencoderKLHunyuanVideo vae = lazyVae()) {
            for (int i = 0; i < TILINGS.size(); i++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray out = vae.decode(big, TILINGS.get(i));
                    out.attach(scope);
                    resident[i] = out.toFloatArray();
                }
            }
        }
        try (AutoencoderKLHunyuanVideo vae = lazyVae()) {
            long budget = blockBudget(vae);
            long all = offloader(new DeviceMemoryAccountant()).bytesOf(vae.stageParameters());
            assertTrue(budget < all, budget + " vs " + all);
            DeviceMemoryAccountant acc = new DeviceMemoryAccountant(budget);
            vae.blockOffload(offloader(acc));
            int weightArrays = vae.residentWeightArrays();
            int callArrays = manager.getManagedArrays().size();
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < TILINGS.size(); i++) {
                    NDArray out = vae.decode(big, TILINGS.get(i));
                    assertArrayEquals(resident[i], out.toFloatArray(), "round " + round + " " + TILINGS.get(i));
                    out.close();
                    assertEquals(0, acc.currentBytes(), "every group offloaded after " + TILINGS.get(i));
                    assertEquals(weightArrays, vae.residentWeightArrays(), "weight manager after " + TILINGS.get(i));
                    assertEquals(callArrays, manager.getManagedArrays().size(), "call manager after "
                            + TILINGS.get(i));
                }
            }
            // one stage at a time on top of the shared weights: the peak is exactly the budget
            assertEquals(budget, acc.peakBytes());
            assertEquals(budget, acc.peakByComponent().get("vae"));
            assertTrue(vae.allParameters().stream().noneMatch(Parameter::isLoaded), "nothing left resident");

            // and the golden value itself
            NDArray video = vae.decode(latent);
            double err = GoldenCheck.maxRelErr(video, fx.outputs().load("decode.sample", manager, DataType.FLOAT32));
            assertTrue(err <= 1e-4, "block-offloaded decode.sample max_rel_err " + err);
            vae.blockOffload(null);
        }
    }

    @Test
    void encodeUnderBlockOffloadPlacesOnlyTheEncoderGroupAndDecodeNeverDoes() {
        NDArray video = fx.input("video", manager);
        try (AutoencoderKLHunyuanVideo vae = lazyVae(); NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(video);
            Offloader sizes = offloader(new DeviceMemoryAccountant());
            long encoder = sizes.bytesOf(vae.parameterGroups().get(AutoencoderKLHunyuanVideo.ENCODER_GROUP));
            DeviceMemoryAccountant acc = new DeviceMemoryAccountant();
            vae.blockOffload(offloader(acc));
            DiagonalGaussianDistribution p = vae.encode(video, VaeTiling.none());
            assertEquals(encoder, acc.peakBytes());
            assertEquals(0, acc.currentBytes());
            DeviceMemoryAccountant decodeAcc = new DeviceMemoryAccountant();
            vae.blockOffload(offloader(decodeAcc));
            NDArray out = vae.decode(p.mode(), VaeTiling.none());
            assertTrue(Float.isFinite(out.abs().max().getFloat()));
            assertEquals(blockBudget(vae), decodeAcc.peakBytes(), "shared + largest decoder stage, no encoder");
            assertFalse(vae.parameterGroups().get("encoder").stream().anyMatch(Parameter::isLoaded));
        }
    }

    @Test
    void aBudgetBelowSharedPlusLargestStageFailsOnTheOnloadNamingTheVae() {
        NDArray big = fx.input("big_latent", manager);
        try (AutoencoderKLHunyuanVideo vae = lazyVae()) {
            DeviceMemoryAccountant acc = new DeviceMemoryAccountant(blockBudget(vae) - 1);
            vae.blockOffload(offloader(acc));
            int callArrays = manager.getManagedArrays().size();
            var e = assertThrows(DeviceBudgetExceededException.class, () -> vae.decode(big, VaeTiling.none()));
            assertTrue(e.getMessage().contains("vae"), e.getMessage());
            assertEquals(0, acc.currentBytes(), "the failed decode returned what it had placed");
            assertEquals(callArrays, manager.getManagedArrays().size());
        }
    }

    @Test
    void blockOffloadNeedsLazyWeights() {
        try (AutoencoderKLHunyuanVideo vae = AutoencoderKLHunyuanVideo.fromWeights(VaeConfig.fromJson(fx.config()),
                fx.weights(), ComponentOptions.defaults(), VaeTiling.defaults())) {
            assertFalse(vae.reloadable());
            var e = assertThrows(IllegalStateException.class,
                    () -> vae.blockOffload(offloader(new DeviceMemoryAccountant())));
            assertTrue(e.getMessage().contains("LAZY") && e.getMessage().contains("EAGER"), e.getMessage());
        }
    }
}
