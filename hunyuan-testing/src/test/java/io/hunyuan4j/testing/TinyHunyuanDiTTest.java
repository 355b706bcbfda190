package io.hunyuan4j.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Generator;
import io.hunyuan4j.core.pipeline.Pipelines;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.weights.LoadMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TinyHunyuanDiT} through the {@link Generator} API: the in-memory generator and the diffusers folder it writes
 * (loaded by {@link Pipelines#fromPretrained}) give the same image; MODEL and BLOCK offload give the no-offload
 * result; bf16 runs close to it; batches reproduce their items; requests HunyuanDiT cannot run are refused.
 */
class TinyHunyuanDiTTest {

    private static final ComponentOptions FP32 = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32,
            LoadMode.EAGER);

    private static GenerationRequest tiny(Generator g, String prompt) {
        return g.request(prompt).withSize(TinyHunyuanDiT.DEFAULT_SIZE, TinyHunyuanDiT.DEFAULT_SIZE)
                .withSteps(TinyHunyuanDiT.DEFAULT_STEPS).withSeed(7);
    }

    private static float[] rgb(Video v) {
        return v.frame(0);
    }

    @Test
    void inMemoryGeneratorDefaultsAndDeterminism(@TempDir Path dir) throws Exception {
        float[] memory;
        try (Generator g = TinyHunyuanDiT.generator(FP32)) {
            assertEquals("hunyuandit", g.family());
            GenerationRequest defaults = g.request("a cat");
            assertEquals(1024, defaults.height());
            assertEquals(1024, defaults.width());
            assertEquals(1, defaults.frames());
            assertEquals(50, defaults.steps());
            assertEquals(5.0f, defaults.guidanceScale());
            Video v = g.generate(tiny(g, "a red cat, 4k"));
            assertEquals(1, v.frameCount());
            assertEquals(64, v.height());
            assertEquals(64, v.width());
            assertEquals(Long.valueOf(7), v.provenance().seed());
            assertTrue(v.provenance().trueCfgApplied(), "guidance 5 runs classifier-free guidance");
            memory = rgb(v);
        }
        Path png = dir.resolve("tiny.png");
        try (Generator g = TinyHunyuanDiT.generator(FP32)) {
            Video v = g.generate(tiny(g, "a red cat, 4k"));
            assertArrayEquals(memory, rgb(v), "the in-memory model is deterministic");
            v.savePng(png);
        }
        assertTrue(Files.size(png) > 0);
    }

    @Test
    void folderLoadsToTheSameImageAsTheInMemoryModel(@TempDir Path dir) throws Exception {
        TinyHunyuanDiT.writeDiffusersFolder(dir);
        float[] folder;
        // the folder's generator bins sizes as diffusers does: 768x1024 is one of the standard shapes it keeps
        try (Generator g = Pipelines.fromPretrained(dir)) {
            assertEquals("hunyuandit", g.family());
            folder = rgb(g.generate(tiny(g, "a dog").withSize(768, 1024).withSteps(1)));
        }
        try (Generator g = TinyHunyuanDiT.generator(FP32)) {
            float[] memory = rgb(g.generate(tiny(g, "a dog").withSize(768, 1024).withSteps(1)));
            assertArrayEquals(memory, folder);
        }
    }

    @Test
    void offloadGivesTheNoOffloadResultAndBf16IsClose() {
        float[] reference;
        try (Generator g = TinyHunyuanDiT.generator(FP32)) {
            reference = rgb(g.generate(tiny(g, "a boat")));
        }
        for (Offload mode : List.of(Offload.MODEL, Offload.BLOCK)) {
            try (Generator g = TinyHunyuanDiT.builder(FP32).offload(mode).build()) {
                Video v = g.generate(tiny(g, "a boat"));
                assertArrayEquals(reference, rgb(v), mode.toString());
                assertTrue(v.provenance().devicePeakBytes().getOrDefault("total", 0L) > 0, mode.toString());
            }
        }
        try (Generator g = TinyHunyuanDiT.generator(new ComponentOptions(Device.cpu(), ComputeDtype.BF16,
                LoadMode.EAGER))) {
            float[] bf16 = rgb(g.generate(tiny(g, "a boat")));
            double worst = 0;
            for (int i = 0; i < bf16.length; i++) {
                assertTrue(Float.isFinite(bf16[i]));
                worst = Math.max(worst, Math.abs(bf16[i] - reference[i]));
            }
            assertTrue(worst < 0.1, "bf16 max |diff| " + worst);
        }
    }

    @Test
    void batchItemsAreTheirSingleRuns() {
        try (Generator g = TinyHunyuanDiT.generator(FP32)) {
            GenerationRequest r = tiny(g, "x").withPrompts(List.of("a cat", "a dog")).withSteps(2);
            List<Video> batch = g.generateBatch(r, event -> { }, io.hunyuan4j.core.pipeline.CancellationToken.none());
            assertEquals(2, batch.size());
            float[] second = rgb(g.generate(tiny(g, "a dog").withSteps(2).withSeed(8)));
            assertArrayEquals(second, rgb(batch.get(1)));
            assertEquals(1, batch.get(1).provenance().batchIndex());
            assertThrows(IllegalArgumentException.class, () -> g.generate(r));
            assertThrows(IllegalArgumentException.class, () -> g.generate(tiny(g, "a cat").withFrames(5)));
            assertThrows(IllegalArgumentException.class, () -> g.generate(tiny(g, "a cat").withTrueCfgScale(2f)));
        }
    }

    @Test
    void aFolderWithoutItsVaeIsRefusedBeforeAnyWeightIsRead(@TempDir Path dir) throws Exception {
        TinyHunyuanDiT.writeDiffusersFolder(dir);
        try (java.util.stream.Stream<Path> s = Files.walk(dir.resolve("vae"))) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pipelines.fromPretrained(dir));
        assertTrue(e.getMessage().contains("vae/"), e.getMessage());
    }
}
