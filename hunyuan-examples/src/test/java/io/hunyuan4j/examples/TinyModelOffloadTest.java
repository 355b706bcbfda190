package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.offload.DeviceMemoryAccountant;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.offload.Offloader;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.testing.TinyModel;
import io.hunyuan4j.vae.AutoencoderKLHunyuanVideo;
import io.hunyuan4j.vae.VaeTiling;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tiny model end to end under a device budget: BLOCK offload places the DiT's blocks and the VAE's decoder
 * stages one at a time through one accountant, gives bit-identical frames to NONE and MODEL, and its provenance
 * peaks stay within a budget sized from both components' groups.
 */
class TinyModelOffloadTest {

    /** 6 latent frames: the VAE decodes frame-wise, in two chunks, so every stage is onloaded per chunk. */
    private static final GenerationRequest REQUEST = GenerationRequest.of("a red fox in the snow")
            .withSize(32, 48).withFrames(21).withSteps(2).withSeed(11);

    private static final Offloader SIZES = new Offloader(Device.cpu(), Offload.BLOCK, ComputeDtype.FLOAT32,
            new DeviceMemoryAccountant());

    /** Shared + largest stage group of each component (what BLOCK holds at once). */
    private static long ditBlockNeed;
    private static long vaeBlockNeed;
    /** Stage weights of each component (what MODEL holds at once). */
    private static long ditStage;
    private static long vaeStage;
    /** Every weight of both (what NONE keeps resident). */
    private static long allWeights;
    /** The sizes above, for the assertion messages. */
    private static String sizes;

    @BeforeAll
    static void sizes() {
        ComponentOptions lazy = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.LAZY);
        try (HunyuanVideoTransformer3D dit = HunyuanVideoTransformer3D.fromWeights(TinyModel.transformerConfig(),
                TinyModel.weights("transformer"), lazy, "tiny/transformer");
                AutoencoderKLHunyuanVideo vae = AutoencoderKLHunyuanVideo.fromWeights(TinyModel.vaeConfig(),
                        TinyModel.weights("vae"), lazy, VaeTiling.defaults())) {
            ditBlockNeed = blockNeed(dit);
            vaeBlockNeed = blockNeed(vae);
            ditStage = SIZES.bytesOf(dit.stageParameters());
            vaeStage = SIZES.bytesOf(vae.stageParameters());
            allWeights = SIZES.bytesOf(dit.allParameters()) + SIZES.bytesOf(vae.allParameters());
            sizes = String.format("tiny model bytes: DiT block need %d, stage %d; VAE block need %d, stage %d; all %d",
                    ditBlockNeed, ditStage, vaeBlockNeed, vaeStage, allWeights);
        }
    }

    private static long blockNeed(Offloadable c) {
        var groups = c.parameterGroups();
        long largest = c.stageGroups().stream().filter(g -> !g.equals(Offloadable.SHARED))
                .mapToLong(g -> SIZES.bytesOf(groups.get(g))).max().orElseThrow();
        return SIZES.bytesOf(groups.get(Offloadable.SHARED)) + largest;
    }

    private static Video generate(Offload offload, long budget) {
        try (VideoPipeline pipe = TinyModel.builder(ComponentOptions.defaults()).offload(offload).memoryBudget(budget)
                .build()) {
            return pipe.generate(REQUEST);
        }
    }

    @Test
    void blockOffloadUnderASmallBudgetIsBitIdenticalAndStaysWithinIt() {
        long budget = Math.max(ditBlockNeed, vaeBlockNeed);
        assertTrue(budget < Math.max(ditStage, vaeStage), budget + " must be below what MODEL places; " + sizes);

        Video none = generate(Offload.NONE, Long.MAX_VALUE);
        Video model = generate(Offload.MODEL, Math.max(ditStage, vaeStage));
        Video block = generate(Offload.BLOCK, budget);
        assertEquals(REQUEST.frames(), none.frameCount());
        for (int f = 0; f < none.frameCount(); f++) {
            assertArrayEquals(none.frame(f), model.frame(f), "MODEL frame " + f);
            assertArrayEquals(none.frame(f), block.frame(f), "BLOCK frame " + f);
        }

        Map<String, Long> blockPeaks = block.provenance().devicePeakBytes();
        assertEquals(java.util.Set.of("transformer", "vae", "total"), blockPeaks.keySet());
        assertEquals(ditBlockNeed, blockPeaks.get("transformer"), sizes);
        assertEquals(vaeBlockNeed, blockPeaks.get("vae"), sizes);
        assertEquals(budget, blockPeaks.get("total"), sizes); // one component at a time, its largest stage on top
        assertTrue(blockPeaks.get("total") <= budget);

        Map<String, Long> modelPeaks = model.provenance().devicePeakBytes();
        assertEquals(ditStage, modelPeaks.get("transformer"), sizes);
        assertEquals(vaeStage, modelPeaks.get("vae"), sizes); // the decoder only: the encoder is never placed
        assertEquals(Math.max(ditStage, vaeStage), modelPeaks.get("total"), sizes);

        assertEquals(allWeights, none.provenance().devicePeakBytes().get("total"), sizes); // everything resident
    }

    @Test
    void aBudgetBelowTheLargestVaeStageIsRejectedAtBuildNamingTheBlock() {
        assertTrue(vaeBlockNeed > ditBlockNeed, "the tiny VAE's stages are its largest blocks; " + sizes);
        var e = assertThrows(IllegalArgumentException.class, () -> TinyModel.builder(ComponentOptions.defaults())
                .offload(Offload.BLOCK).memoryBudget(vaeBlockNeed - 1).build());
        assertTrue(e.getMessage().contains("block vae.decoder.up_blocks.") && e.getMessage().contains(" bytes"),
                e.getMessage());
        var m = assertThrows(IllegalArgumentException.class, () -> TinyModel.builder(ComponentOptions.defaults())
                .offload(Offload.MODEL).memoryBudget(Math.max(ditStage, vaeStage) - 1).build());
        assertTrue(m.getMessage().contains(ditStage > vaeStage ? "transformer" : "vae"), m.getMessage());
    }
}
