package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.cache.CacheStats;
import io.hunyuan4j.core.cache.FirstBlockCache;
import io.hunyuan4j.core.cache.StepCache;
import io.hunyuan4j.core.cache.TaylorSeerCache;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Provenance;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.testing.TinyModel;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A step cache set on the pipeline: with true CFG and two prompts in a batch, each guidance branch keeps its own
 * state, and every video's provenance says what was computed and skipped.
 */
class StepCachePipelineTest {

    private static final GenerationRequest REQUEST = GenerationRequest.of(List.of("a cat", "a red bird over a lake"))
            .withNegativePrompts(List.of("blur", "dark")).withTrueCfgScale(3f).withSize(32, 48).withFrames(5)
            .withSteps(5).withSeed(3);

    private static List<Video> run(@Nullable StepCache cache) {
        VideoPipeline.Builder b = TinyModel.builder(ComponentOptions.defaults());
        if (cache != null) {
            b.cache(cache);
        }
        try (VideoPipeline pipe = b.build()) {
            return pipe.generateBatch(REQUEST);
        }
    }

    @Test
    void provenanceCountsEachContextsSteps() {
        List<Video> plain = run(null);
        assertNull(plain.get(0).provenance().stepCache());
        // interval 2 after 1 warm-up step: steps 0, 2, 4 compute and 1, 3 are forecast, in each context
        List<Video> cached = run(new TaylorSeerCache(2, 1, -1, 1));
        int blocks = TinyModel.transformerConfig().numLayers() + TinyModel.transformerConfig().numSingleLayers();
        for (Video v : cached) {
            Provenance p = v.provenance();
            CacheStats s = p.stepCache();
            assertNotNull(s);
            assertEquals(10, p.modelEvaluations());
            assertEquals(6, s.computed());
            assertEquals(4, s.skipped());
            assertEquals(4L * blocks, s.blocksSkipped());
            assertEquals(6L * blocks, s.blocksRun());
            assertTrue(p.describe().contains("computed=6 skipped=4"), p.describe());
        }
        assertTrue(relErr(plain.get(0), cached.get(0)) > 1e-4, "forecast steps change the video");
    }

    /**
     * TaylorSeer's default mode through the pipeline: every block runs on every pass, and each block's attention
     * is forecast on steps 1 and 3 of each context; the provenance says so.
     */
    @Test
    void taylorSeerFullModeCountsModules() {
        List<Video> cached = run(new TaylorSeerCache(2, 1, -1, 1).withLiteMode(false));
        int blocks = TinyModel.transformerConfig().numLayers() + TinyModel.transformerConfig().numSingleLayers();
        for (Video v : cached) {
            Provenance p = v.provenance();
            CacheStats s = p.stepCache();
            assertNotNull(s);
            assertEquals(6, s.computed());
            assertEquals(4, s.skipped());
            assertEquals(10L * blocks, s.blocksRun());
            assertEquals(0, s.blocksSkipped());
            assertEquals(6L * blocks, s.modulesComputed());
            assertEquals(4L * blocks, s.modulesPredicted());
            assertTrue(p.describe().contains("modulesPredicted=" + 4 * blocks), p.describe());
        }
    }

    /** Threshold 0: First-Block Cache never skips, so the video is the uncached one. */
    @Test
    void firstBlockCacheAtZeroThresholdIsExact() {
        List<Video> plain = run(null);
        List<Video> cached = run(new FirstBlockCache(0));
        for (int i = 0; i < plain.size(); i++) {
            assertTrue(relErr(plain.get(i), cached.get(i)) < 1e-5);
            CacheStats s = cached.get(i).provenance().stepCache();
            assertNotNull(s);
            assertEquals(0, s.skipped());
        }
    }

    private static double relErr(Video a, Video b) {
        double d = 0;
        double m = 0;
        for (int f = 0; f < a.frameCount(); f++) {
            float[] x = a.frame(f);
            float[] y = b.frame(f);
            for (int i = 0; i < x.length; i++) {
                d = Math.max(d, Math.abs(x[i] - y[i]));
                m = Math.max(m, Math.abs(x[i]));
            }
        }
        return d / m;
    }
}
