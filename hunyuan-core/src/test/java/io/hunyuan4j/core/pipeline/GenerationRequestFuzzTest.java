package io.hunyuan4j.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hunyuan4j.core.runtime.Offline;

/**
 * Fuzz target of {@link GenerationRequest} and {@link Latents}: any values, any order of {@code with*} copies.
 * A rejected value must be an {@link IllegalArgumentException}; an accepted request must satisfy every documented
 * rule. {@code mvn test} replays the committed corpus; see docs/reliability.md for fuzzing it.
 */
class GenerationRequestFuzzTest {

    static {
        // before any class that could start DJL: the fuzzing JVM must never reach for the network
        Offline.ensure();
    }

    @FuzzTest(maxDuration = "10m")
    void request(FuzzedDataProvider data) {
        GenerationRequest r;
        try {
            r = GenerationRequest.of(data.consumeString(64));
            int copies = data.consumeInt(0, 12);
            for (int i = 0; i < copies; i++) {
                r = copy(r, data);
            }
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertTrue(r.height() >= 16 && r.height() % 16 == 0 && r.width() >= 16 && r.width() % 16 == 0, r::toString);
        assertTrue(r.frames() >= 1 && (r.frames() - 1) % 4 == 0 && r.steps() >= 1
                && r.steps() <= GenerationRequest.MAX_STEPS, r::toString);
        assertTrue(Float.isFinite(r.guidanceScale()) && r.guidanceScale() >= 0 && r.trueCfgScale() >= 1, r::toString);
        assertTrue(r.fps() >= 1 && r.fps() <= 240, r::toString);
        assertTrue(r.seed() == null || r.initialLatents() == null, r::toString);
        if (r.initialLatents() != null) {
            long n = 1;
            for (long d : r.initialLatents().shape()) {
                n *= d;
            }
            assertEquals(n, r.initialLatents().data().length, r::toString);
        }
        assertEquals(r, r.withFps(r.fps()));
    }

    private static GenerationRequest copy(GenerationRequest r, FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 10)) {
            case 0 -> r.withSize(data.consumeInt(), data.consumeInt());
            case 1 -> r.withFrames(data.consumeInt());
            case 2 -> r.withSteps(data.consumeInt());
            case 3 -> r.withGuidanceScale(data.consumeFloat());
            case 4 -> r.withTrueCfgScale(data.consumeFloat());
            case 5 -> r.withFlowShift(data.consumeBoolean() ? null : data.consumeFloat());
            case 6 -> r.withSeed(data.consumeLong());
            case 7 -> r.withFps(data.consumeInt());
            case 8 -> r.withNegativePrompt(data.consumeBoolean() ? null : data.consumeString(32));
            case 9 -> r.withPrompt(data.consumeString(32));
            default -> r.withInitialLatents(latents(data));
        };
    }

    private static Latents latents(FuzzedDataProvider data) {
        long[] shape = new long[data.consumeInt(0, 6)];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = data.consumeBoolean() ? data.consumeLong(1, 4) : data.consumeLong();
        }
        float[] values = new float[data.consumeInt(0, 64)];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.consumeFloat();
        }
        return new Latents(values, shape);
    }
}
