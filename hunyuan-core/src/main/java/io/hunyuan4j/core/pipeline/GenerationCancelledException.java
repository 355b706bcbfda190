package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.HunyuanException;

/**
 * A generation stopped early because its {@link CancellationToken} was cancelled, its thread was interrupted
 * or a {@link StepListener} threw this. No result exists and nothing was written; the call's engine memory
 * is already released.
 */
public class GenerationCancelledException extends HunyuanException {

    private static final long serialVersionUID = 1L;

    private final int completedSteps;

    /**
     * @param message why
     * @param completedSteps denoising steps finished before stopping
     */
    public GenerationCancelledException(String message, int completedSteps) {
        super(message);
        this.completedSteps = completedSteps;
    }

    /** Denoising steps finished before stopping. */
    public int completedSteps() {
        return completedSteps;
    }
}
