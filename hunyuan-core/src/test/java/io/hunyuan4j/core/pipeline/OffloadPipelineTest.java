package io.hunyuan4j.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.offload.Offloader;
import io.hunyuan4j.core.offload.DeviceMemoryAccountant;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.transformer.TransformerConfig;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.InMemoryTensors;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorLoader;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Offload modes with the real DiT (random weights, LAZY): same output, bounded device bytes, no leaks. */
class OffloadPipelineTest {

    /** Matches ToyEncoder (text dim 8, pooled 6) and ToyDecoder (4 channels); 2 + 2 blocks. */
    private static final TransformerConfig CONFIG = new TransformerConfig(4, 4, 2, 10, 2, 2, 1, 4.0f, 1, 1,
            TransformerConfig.RMS_NORM, true, 8, 6, 256.0f, new TransformerConfig.RopeAxesDim(2, 4, 4));

    private InMemoryTensors weights;
    private NDManager manager;

    @BeforeEach
    void setUp() {
        InMemoryTensors.Builder b = InMemoryTensors.builder().seed(11);
        for (Map.Entry<String, Shape> e : HunyuanVideoTransformer3D.expectedShapes(CONFIG).entrySet()) {
            b.normal(e.getKey(), 0.2f, DType.F32, e.getValue().getShape());
        }
        weights = b.build();
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private HunyuanVideoTransformer3D dit() {
        StateDict w = StateDict.load(weights, manager.newSubManager(), LoadMode.LAZY, TensorLoader.float32(), "tiny");
        return new HunyuanVideoTransformer3D(CONFIG, w, new ChunkedAttention());
    }

    private static GenerationRequest request() {
        return GenerationRequest.of("a red fox").withSize(16, 32).withFrames(5).withSteps(2).withSeed(7);
    }

    private Video run(Offload mode, long budget) {
        try (VideoPipeline p = VideoPipeline.builder(dit(), new ToyComponents.ToyEncoder(),
                new ToyComponents.ToyDecoder()).offload(mode).memoryBudget(budget).build()) {
            return p.generate(request());
        }
    }

    private static long blockBudget(HunyuanVideoTransformer3D dit) {
        Offloader sizes = new Offloader(ai.djl.Device.cpu(), Offload.BLOCK, ComputeDtype.FLOAT32,
                new DeviceMemoryAccountant());
        long shared = sizes.bytesOf(dit.parameterGroups().get(Offloadable.SHARED));
        long largest = dit.parameterGroups().entrySet().stream().filter(e -> !e.getKey().equals(Offloadable.SHARED))
                .mapToLong(e -> sizes.bytesOf(e.getValue())).max().orElseThrow();
        return shared + largest;
    }

    @Test
    void blockAndModelOffloadAreBitIdenticalToNoneWithinTheirBudgets() {
        long all = 4L * HunyuanVideoTransformer3D.expectedShapes(CONFIG).values().stream().mapToLong(Shape::size).sum();
        long budget = blockBudget(dit());
        assertTrue(budget < all / 2, budget + " vs " + all);

        Video none = run(Offload.NONE, Long.MAX_VALUE);
        Video model = run(Offload.MODEL, all);
        Video block = run(Offload.BLOCK, budget);

        for (int f = 0; f < none.frameCount(); f++) {
            assertArrayEquals(none.frame(f), model.frame(f), "frame " + f + " MODEL");
            assertArrayEquals(none.frame(f), block.frame(f), "frame " + f + " BLOCK");
        }
        assertEquals(all, none.provenance().devicePeakBytes().get("total"));
        assertEquals(all, model.provenance().devicePeakBytes().get("total"));
        long blockPeak = block.provenance().devicePeakBytes().get("total");
        assertTrue(blockPeak <= budget && blockPeak > 0, blockPeak + " > " + budget);
        assertEquals(Offload.BLOCK, block.provenance().offload());
    }

    /** An EAGER DiT cannot be re-read after offload releases a block: rejected at build, not mid-generation. */
    @ParameterizedTest
    @EnumSource(value = Offload.class, names = {"MODEL", "BLOCK"})
    void eagerTransformerUnderOffloadIsRejectedAtBuild(Offload mode) {
        StateDict w = StateDict.load(weights, manager.newSubManager(), LoadMode.EAGER, TensorLoader.float32(), "tiny");
        HunyuanVideoTransformer3D dit = new HunyuanVideoTransformer3D(CONFIG, w, new ChunkedAttention());
        assertFalse(dit.reloadable());
        var e = assertThrows(IllegalArgumentException.class, () -> VideoPipeline.builder(dit,
                new ToyComponents.ToyEncoder(), new ToyComponents.ToyDecoder()).offload(mode).build());
        assertTrue(e.getMessage().contains("transformer") && e.getMessage().contains("LAZY"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> dit.blockOffload(new Offloader(ai.djl.Device.cpu(),
                Offload.BLOCK, ComputeDtype.FLOAT32, new DeviceMemoryAccountant())));
        // the same DiT runs without offload
        try (VideoPipeline p = VideoPipeline.builder(dit, new ToyComponents.ToyEncoder(),
                new ToyComponents.ToyDecoder()).build()) {
            assertEquals(2, p.generate(request()).provenance().modelEvaluations());
        }
    }

    @Test
    void budgetBelowTheLargestBlockIsRejectedAtBuildNamingTheBlock() {
        HunyuanVideoTransformer3D dit = dit();
        long budget = blockBudget(dit) - 1;
        var e = assertThrows(IllegalArgumentException.class, () -> VideoPipeline.builder(dit,
                new ToyComponents.ToyEncoder(), new ToyComponents.ToyDecoder()).offload(Offload.BLOCK)
                .memoryBudget(budget).build());
        assertTrue(e.getMessage().contains("transformer.") && e.getMessage().contains("block"), e.getMessage());
    }

    @Test
    void onloadOffloadCyclesReturnNativeMemoryToBaseline() {
        HunyuanVideoTransformer3D dit = dit();
        DeviceMemoryAccountant acc = new DeviceMemoryAccountant();
        Offloader off = new Offloader(ai.djl.Device.cpu(), Offload.BLOCK, ComputeDtype.FLOAT32, acc);
        int baseline = manager.getManagedArrays().size();
        for (int cycle = 0; cycle < 5; cycle++) {
            for (var g : dit.parameterGroups().entrySet()) {
                try (Offloader.Scope s = off.onload("transformer", g.getKey(), g.getValue(), manager)) {
                    assertTrue(g.getValue().stream().allMatch(Parameter::isLoaded));
                }
                assertTrue(g.getValue().stream().noneMatch(Parameter::isLoaded));
            }
        }
        assertEquals(0, acc.currentBytes());
        assertEquals(baseline, manager.getManagedArrays().size());
    }
}
