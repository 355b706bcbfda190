package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.hunyuan4j.testing.TinyCogVideoX;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny CogVideoX end to end through {@link Generator}: the written diffusers folder loads through
 * {@link Pipelines#fromPretrained} into the same frames as the in-memory generator; bf16 runs close to fp32;
 * model and block offload give the fp32 result.
 */
class TinyCogVideoXTest {

    private static final ComponentOptions FP32 = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32,
            LoadMode.EAGER);
    private static Video reference;

    @BeforeAll
    static void generateReference() {
        try (Generator g = TinyCogVideoX.generator(FP32)) {
            reference = g.generate(request(g));
        }
    }

    private static GenerationRequest request(Generator g) {
        return TinyCogVideoX.request(g, "a red fox").withNegativePrompt("blurry").withSeed(7);
    }

    @Test
    void generatorHasTheFamilyAndDiffusersDefaults() {
        try (Generator g = TinyCogVideoX.generator(FP32)) {
            assertEquals("cogvideox", g.family());
            GenerationRequest r = g.request("x");
            assertEquals(List.of(480, 720, 49, 50, 8), List.of(r.height(), r.width(), r.frames(), r.steps(), r.fps()));
            assertEquals(6.0f, r.guidanceScale());
        }
        assertEquals(TinyCogVideoX.DEFAULT_FRAMES, reference.frameCount());
        assertEquals(TinyCogVideoX.DEFAULT_HEIGHT, reference.height());
        assertEquals(TinyCogVideoX.DEFAULT_WIDTH, reference.width());
        assertEquals(7L, reference.provenance().seed());
        for (float v : reference.frame(TinyCogVideoX.DEFAULT_FRAMES - 1)) {
            assertTrue(v >= 0 && v <= 1, "pixel " + v);
        }
    }

    @Test
    void fromPretrainedOnTheWrittenFolderGivesTheSameFrames(@TempDir Path dir) throws Exception {
        TinyCogVideoX.writeDiffusersFolder(dir);
        try (Generator g = Pipelines.fromPretrained(dir)) {
            assertEquals("cogvideox", g.family());
            Video v = g.generate(request(g));
            for (int f = 0; f < v.frameCount(); f++) {
                assertArrayEquals(reference.frame(f), v.frame(f), 1e-6f, "frame " + f);
            }
        }
    }

    @Test
    void bf16RunsCloseToFp32() {
        try (Generator g = TinyCogVideoX.generator(new ComponentOptions(Device.cpu(), ComputeDtype.BF16,
                LoadMode.EAGER))) {
            Video v = g.generate(request(g));
            // random tiny weights with guidance 6 amplify bf16 rounding over the steps: a few pixels move by ~0.1,
            // the frames as a whole stay close
            double max = maxAbsDiff(reference, v);
            double mean = meanAbsDiff(reference, v);
            assertTrue(max < 0.2 && mean < 2e-2, "bf16 |diff| max " + max + " mean " + mean);
            assertEquals(ComputeDtype.BF16, v.provenance().computeDtype());
        }
    }

    @Test
    void modelAndBlockOffloadGiveTheFp32Result() {
        List<Double> errs = new ArrayList<>();
        for (Offload mode : List.of(Offload.MODEL, Offload.BLOCK)) {
            try (Generator g = TinyCogVideoX.generator(FP32, mode)) {
                errs.add(maxAbsDiff(reference, g.generate(request(g))));
            }
        }
        assertTrue(errs.stream().allMatch(e -> e < 1e-6), "offload max |diff| " + errs);
    }

    private static double meanAbsDiff(Video a, Video b) {
        double sum = 0;
        long n = 0;
        for (int f = 0; f < a.frameCount(); f++) {
            float[] x = a.frame(f);
            float[] y = b.frame(f);
            for (int i = 0; i < x.length; i++) {
                sum += Math.abs(x[i] - y[i]);
                n++;
            }
        }
        return sum / n;
    }

    private static double maxAbsDiff(Video a, Video b) {
        double max = 0;
        for (int f = 0; f < a.frameCount(); f++) {
            float[] x = a.frame(f);
            float[] y = b.frame(f);
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }
}
