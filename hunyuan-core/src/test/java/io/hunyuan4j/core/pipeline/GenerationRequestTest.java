package io.hunyuan4j.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class GenerationRequestTest {

    private static final GenerationRequest R = GenerationRequest.of("a cat");

    private static void rejects(String expected, Executable e) {
        var ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }

    @Test
    void referenceDefaults() {
        assertEquals(720, R.height());
        assertEquals(1280, R.width());
        assertEquals(129, R.frames());
        assertEquals(50, R.steps());
        assertEquals(6.0f, R.guidanceScale());
        assertEquals(1.0f, R.trueCfgScale());
        assertEquals(24, R.fps());
        assertNull(R.seed());
    }

    @Test
    void validationNamesParameterValueAndRule() {
        rejects("frames must be 4k+1 (1, 5, 9, ..., 129) but is 10", () -> R.withFrames(10));
        rejects("frames must be 4k+1 (1, 5, 9, ..., 129) but is 0", () -> R.withFrames(0));
        rejects("height must be a positive multiple of 16 but is 250", () -> R.withSize(250, 512));
        rejects("width must be a positive multiple of 16 but is 500", () -> R.withSize(256, 500));
        rejects("height must be at most 8192 pixels but is 65536", () -> R.withSize(65536, 512));
        rejects("frames must be at most 1025 but is 4097", () -> R.withFrames(4097));
        rejects("steps must be in [1, 10000] but is 0", () -> R.withSteps(0));
        // every schedule array is sized steps + 1, which Integer.MAX_VALUE overflows
        rejects("steps must be in [1, 10000] but is 2147483647", () -> R.withSteps(Integer.MAX_VALUE));
        rejects("guidanceScale must be a finite number >= 0 but is NaN", () -> R.withGuidanceScale(Float.NaN));
        rejects("guidanceScale must be a finite number >= 0 but is -1.0", () -> R.withGuidanceScale(-1f));
        rejects("trueCfgScale must be a finite number >= 1 (1 = off) but is 0.5", () -> R.withTrueCfgScale(0.5f));
        rejects("flowShift must be a finite number > 0 but is 0.0", () -> R.withFlowShift(0f));
        rejects("fps must be in [1, 240] but is 0", () -> R.withFps(0));
        rejects("initialLatents batch must be prompts x videosPerPrompt = 1 but is 2",
                () -> R.withInitialLatents(new Latents(new float[2 * 16 * 33], new long[] {2, 16, 33, 1, 1})));
        rejects("initialLatents batch must be prompts x videosPerPrompt = 6 but is 2",
                () -> R.withPrompts(java.util.List.of("a", "b", "c")).withVideosPerPrompt(2)
                        .withInitialLatents(new Latents(new float[2 * 16 * 33], new long[] {2, 16, 33, 1, 1})));
        rejects("negativePrompts must hold 1 text or one per prompt (3) but holds 2",
                () -> R.withPrompts(java.util.List.of("a", "b", "c")).withNegativePrompts(java.util.List.of("x", "y")));
        rejects("prompts[1] is null", () -> R.withPrompts(java.util.Arrays.asList("a", null)));
        rejects("videosPerPrompt must be >= 1", () -> R.withVideosPerPrompt(-1));
    }

    @Test
    void withersCopyAndClearTheAlternative() {
        GenerationRequest r = R.withSeed(3).withSize(64, 80).withFrames(1);
        assertEquals(64, r.height());
        assertEquals(80, r.width());
        assertTrue(r.isImage());
        assertEquals(Long.valueOf(3), r.seed());
        Latents l = new Latents(new float[16 * 8 * 10], new long[] {1, 16, 1, 8, 10});
        GenerationRequest withLatents = r.withInitialLatents(l);
        assertNull(withLatents.seed());
        assertEquals(l, withLatents.initialLatents());
        assertEquals(Long.valueOf(9), withLatents.withSeed(9).seed());
        assertNull(withLatents.withSeed(9).initialLatents());
        assertEquals("a cat", R.prompt());
        assertTrue(R.withNegativePrompt("blur").withTrueCfgScale(2f).doTrueCfg());
        assertTrue(!R.withTrueCfgScale(2f).doTrueCfg(), "no negative prompt: no true CFG");
    }

    @Test
    void noiseIsDeterministicAndStandardNormal() {
        long[] shape = {1, 16, 3, 32, 32};
        Latents a = GaussianNoise.sample(42, shape);
        Latents b = GaussianNoise.sample(42, shape);
        assertEquals(a, b);
        float[] d = a.data();
        double mean = 0;
        double sq = 0;
        for (float x : d) {
            mean += x;
            sq += x * x;
        }
        mean /= d.length;
        double std = Math.sqrt(sq / d.length - mean * mean);
        assertEquals(0, mean, 0.02);
        assertEquals(1, std, 0.02);
        assertTrue(!a.equals(GaussianNoise.sample(43, shape)));
    }
}
