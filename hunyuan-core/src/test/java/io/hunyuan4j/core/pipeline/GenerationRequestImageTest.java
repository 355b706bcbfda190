package io.hunyuan4j.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link GenerationRequest#image()}: kept by every {@code with*} copy, shown by {@code toString}, removable. */
class GenerationRequestImageTest {

    @Test
    void theImageSurvivesEveryCopy() {
        ConditionImage image = ConditionImage.ofPixels(new float[3 * 16 * 16], 16, 16);
        GenerationRequest r = GenerationRequest.of("a cat").withImage(image);
        GenerationRequest copied = r.withPrompt("a dog").withNegativePrompt("blur").withVideosPerPrompt(2)
                .withSize(32, 48).withFrames(5).withSteps(3).withGuidanceScale(1f).withTrueCfgScale(2f)
                .withFlowShift(5f).withSeed(1).withFps(8).withRewrite(PromptRewriter.Mode.NONE);
        assertSame(image, copied.image());
        assertTrue(copied.toString().contains("image=ConditionImage[pixels, 16x16]"), copied.toString());
        assertNull(copied.withImage(null).image());
        assertNull(GenerationRequest.of("a cat").image());
    }
}
