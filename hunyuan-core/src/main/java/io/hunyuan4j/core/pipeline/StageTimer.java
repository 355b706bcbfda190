package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.HunyuanException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs the stages of one generation, recording each one's wall-clock time and wrapping engine failures in a
 * {@link HunyuanException} that names the stage. Input errors and cancellation pass through unchanged.
 */
final class StageTimer {

    private final Map<String, Duration> timings = new LinkedHashMap<>();

    <T> T run(String stage, Supplier<T> body) {
        long t0 = System.nanoTime();
        try {
            return body.get();
        } catch (IllegalArgumentException | IllegalStateException | HunyuanException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new HunyuanException(stage + " failed: " + e, e);
        } finally {
            timings.merge(stage, Duration.ofNanos(System.nanoTime() - t0), Duration::plus);
        }
    }

    Map<String, Duration> timings() {
        return timings;
    }
}
