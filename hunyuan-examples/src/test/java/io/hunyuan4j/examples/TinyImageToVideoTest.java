package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.index.NDIndex;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.ImageConditionType;
import io.hunyuan4j.core.pipeline.CancellationToken;
import io.hunyuan4j.core.pipeline.ConditionImage;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.testing.TinyModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tiny model's image-to-video variants through the Java API: token replace keeps the image latent as the first
 * latent frame at every step; latent concat drops the first four decoded frames; requests without an image (or
 * with one for a text-to-video model) fail before any model work.
 */
class TinyImageToVideoTest {

    private static ConditionImage image() {
        float[] px = new float[3 * 32 * 32];
        for (int i = 0; i < px.length; i++) {
            px[i] = (i % 97) / 96f;
        }
        return ConditionImage.ofPixels(px, 32, 32);
    }

    private static GenerationRequest request() {
        return GenerationRequest.of("a boat drifts").withSize(32, 32).withFrames(9).withSteps(2).withSeed(3)
                .withImage(image());
    }

    @Test
    void tokenReplaceKeepsTheImageLatentAsFrameZero() {
        List<float[]> firstFrames = new ArrayList<>();
        List<float[]> otherFrames = new ArrayList<>();
        try (VideoPipeline pipe = TinyModel.builder(ComponentOptions.defaults(), ImageConditionType.TOKEN_REPLACE)
                .build()) {
            Video v = pipe.generateBatch(request(), e -> {
                firstFrames.add(e.latents().get(new NDIndex(":, :, :1")).toFloatArray());
                otherFrames.add(e.latents().get(new NDIndex(":, :, 1:")).toFloatArray());
            }, CancellationToken.none()).get(0);
            assertEquals(9, v.frameCount());
        }
        assertEquals(2, firstFrames.size());
        assertArrayEquals(firstFrames.get(0), firstFrames.get(1), "frame 0 is the clean image latent");
        assertTrue(!java.util.Arrays.equals(otherFrames.get(0), otherFrames.get(1)), "the other frames denoise");
    }

    @Test
    void latentConcatDropsTheFirstFourFrames() {
        try (VideoPipeline pipe = TinyModel.builder(ComponentOptions.defaults(), ImageConditionType.LATENT_CONCAT)
                .build()) {
            Video v = pipe.generate(request());
            assertEquals(5, v.frameCount());
            assertEquals(32, v.height());
            var e = assertThrows(IllegalArgumentException.class, () -> pipe.generate(request().withFrames(1)));
            assertTrue(e.getMessage().contains("at least 5"), e.getMessage());
            var none = assertThrows(IllegalArgumentException.class, () -> pipe.generate(request().withImage(null)));
            assertTrue(none.getMessage().contains("withImage"), none.getMessage());
        }
    }

    @Test
    void textToVideoModelRejectsAnImage() {
        try (VideoPipeline pipe = TinyModel.builder(ComponentOptions.defaults()).build()) {
            var e = assertThrows(IllegalArgumentException.class, () -> pipe.generate(request()));
            assertTrue(e.getMessage().contains("text-to-video"), e.getMessage());
        }
    }
}
