package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.testing.TinyModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several prompts and several videos per prompt in one call, on the embedded tiny model: one {@link Video} per
 * item in prompt-major order, each equal (within float32 rounding of a batched matmul) to the batch-1
 * generation of its prompt with the seed its provenance records. The prompts have different token counts, so
 * the items run with different text masks.
 */
class BatchedGenerationTest {

    private static final List<String> PROMPTS = List.of("a cat", "a red bird flies over a wide blue lake at dawn");
    private static VideoPipeline pipe;

    @BeforeAll
    static void load() {
        pipe = TinyModel.builder(ComponentOptions.defaults()).build();
    }

    @AfterAll
    static void close() {
        pipe.close();
    }

    private static GenerationRequest small(GenerationRequest r) {
        return r.withSize(32, 48).withFrames(5).withSteps(2);
    }

    @Test
    void twoPromptsTimesTwoVideosEachMatchTheirSingleRuns() {
        GenerationRequest batch = small(GenerationRequest.of(PROMPTS)).withVideosPerPrompt(2).withSeed(11);
        assertEquals(4, batch.batchSize());
        List<Video> videos = pipe.generateBatch(batch);
        assertEquals(4, videos.size());
        for (int i = 0; i < 4; i++) {
            Video v = videos.get(i);
            assertEquals(i, v.provenance().batchIndex());
            assertEquals(11L + i, v.provenance().seed());
            String prompt = PROMPTS.get(i / 2);
            Video alone = pipe.generate(small(GenerationRequest.of(prompt)).withSeed(11L + i));
            double err = relErr(alone, v);
            assertTrue(err < 1e-4, "item " + i + " differs from its batch-1 run by " + err);
        }
        // different seeds and different prompts give different videos
        assertTrue(relErr(videos.get(0), videos.get(1)) > 1e-2);
        assertTrue(relErr(videos.get(0), videos.get(2)) > 1e-2);
    }

    @Test
    void negativePromptsPerPromptWithTrueCfgMatchTheirSingleRuns() {
        GenerationRequest batch = small(GenerationRequest.of(PROMPTS)).withNegativePrompts(List.of("blur", "dark"))
                .withTrueCfgScale(3f).withSeed(5);
        List<Video> videos = pipe.generateBatch(batch);
        assertEquals(2, videos.size());
        for (int i = 0; i < 2; i++) {
            assertTrue(videos.get(i).provenance().trueCfgApplied());
            Video alone = pipe.generate(small(GenerationRequest.of(PROMPTS.get(i)))
                    .withNegativePrompt(batch.negativePrompts().get(i)).withTrueCfgScale(3f).withSeed(5L + i));
            double err = relErr(alone, videos.get(i));
            assertTrue(err < 1e-4, "item " + i + " differs from its batch-1 run by " + err);
        }
    }

    @Test
    void generateRefusesABatchAndRequestsCheckTheirShapes() {
        GenerationRequest batch = small(GenerationRequest.of(PROMPTS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pipe.generate(batch));
        assertTrue(e.getMessage().contains("generateBatch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> batch.withNegativePrompts(List.of("a", "b", "c")));
        assertTrue(e.getMessage().contains("one per prompt (2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> batch.withVideosPerPrompt(0));
        assertTrue(e.getMessage().contains("videosPerPrompt"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> batch.withVideosPerPrompt(33));
        assertTrue(e.getMessage().contains("<= 64"), e.getMessage());
    }

    /** max |a - b| / max |a| over every frame. */
    private static double relErr(Video a, Video b) {
        double maxDiff = 0;
        double maxRef = 0;
        for (int f = 0; f < a.frameCount(); f++) {
            float[] x = a.frame(f);
            float[] y = b.frame(f);
            for (int k = 0; k < x.length; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(x[k] - y[k]));
                maxRef = Math.max(maxRef, Math.abs(x[k]));
            }
        }
        return maxDiff / maxRef;
    }
}
