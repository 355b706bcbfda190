package io.hunyuan4j.examples;

import io.hunyuan4j.core.pipeline.StepEvent;
import io.hunyuan4j.core.pipeline.StepListener;
import java.io.PrintStream;
import java.util.Locale;

/** A one-line text progress bar for the denoising loop, redrawn in place on a terminal stream. */
final class ProgressBar implements StepListener {

    private static final int WIDTH = 30;

    private final PrintStream err;

    ProgressBar(PrintStream err) {
        this.err = err;
    }

    @Override
    public void onStep(StepEvent e) {
        int filled = (int) Math.round(e.fraction() * WIDTH);
        err.printf(Locale.ROOT, "\rdenoising [%s%s] %d/%d  t=%6.1f  %.1fs elapsed, ~%.1fs left", "#".repeat(filled),
                ".".repeat(WIDTH - filled), e.completed(), e.total(), e.timestep(), e.elapsed().toMillis() / 1000.0,
                e.estimatedRemaining().toMillis() / 1000.0);
        if (e.completed() == e.total()) {
            err.println();
        }
        err.flush();
    }
}
