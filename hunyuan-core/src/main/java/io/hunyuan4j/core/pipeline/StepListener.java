package io.hunyuan4j.core.pipeline;

/**
 * Called on the generating thread after every denoising step (diffusers' {@code callback_on_step_end}, typed).
 * Throwing {@link GenerationCancelledException} cancels the generation; any other exception aborts it too and
 * propagates.
 */
@FunctionalInterface
public interface StepListener {

    /** Ignores every event. */
    StepListener NONE = event -> { };

    /** One step finished. */
    void onStep(StepEvent event);
}
