package io.hunyuan4j.core.pipeline;

import java.util.List;

/**
 * A loaded text-to-video or text-to-image pipeline of any family: what an application holds after
 * {@link Pipelines#fromPretrained}. {@link VideoPipeline} (HunyuanVideo) implements it, and so do the pipelines of
 * the other families (CogVideoX, HunyuanDiT). An image pipeline returns a one-frame {@link Video}.
 *
 * <p>Implementations are thread-safe: concurrent calls are serialised. {@link #close()} releases the weights.
 */
public interface Generator extends AutoCloseable {

    /** {@return the family, e.g. {@code hunyuanvideo}}, as {@link PipelineFamily#name()} names it. */
    String family();

    /** {@return a description of the loaded model (its folder, or the embedded model's name)} */
    String model();

    /**
     * {@return a request for {@code prompt} with this family's defaults} (size, frames, steps, guidance, fps), as
     * diffusers' {@code __call__} defaults them for the pipeline; change them with the request's {@code with...}
     * methods.
     */
    GenerationRequest request(String prompt);

    /**
     * Generates one video (or image), reporting each step to {@code listener} and stopping when {@code cancel}
     * is cancelled or the thread interrupted.
     *
     * @throws IllegalArgumentException for a request this model cannot run, before any model work
     * @throws GenerationCancelledException if cancelled; nothing is returned and engine memory is released
     * @throws io.hunyuan4j.core.HunyuanException if a stage fails in the engine
     */
    Video generate(GenerationRequest request, StepListener listener, CancellationToken cancel);

    /**
     * Generates one video (or image) with no listener and no cancellation.
     *
     * @see #generate(GenerationRequest, StepListener, CancellationToken)
     */
    default Video generate(GenerationRequest request) {
        return generate(request, StepListener.NONE, CancellationToken.none());
    }

    /**
     * Generates every item of a batched request ({@link GenerationRequest#batchSize()}), prompt-major, item i
     * seeded {@code seed + i}.
     *
     * @see #generate(GenerationRequest, StepListener, CancellationToken)
     */
    List<Video> generateBatch(GenerationRequest request, StepListener listener, CancellationToken cancel);

    /** Releases every component's weights; the generator cannot be used afterwards. */
    @Override
    void close();
}
