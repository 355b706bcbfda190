package io.hunyuan4j.core.pipeline;

/**
 * Rewrites a user's prompt into the form the video model was trained on, before it is encoded: HunyuanVideo's
 * prompt-rewrite step, where a fine-tuned LLM turns prompts of any language, style and length into the
 * captions the model saw in training. The pipeline calls it once per prompt of a request whose
 * {@link GenerationRequest#rewrite()} is not {@link Mode#NONE}, and records the result in each video's
 * {@link Provenance#rewrite()}. Negative prompts are not rewritten: they list what to avoid, and a rewrite
 * trained to describe a scene would turn them into one.
 *
 * <p>Implementations must be safe to call from several threads: the pipeline rewrites outside its generation
 * lock, so a call waiting for another generation rewrites its prompts meanwhile. To fail the generation, throw
 * {@link PromptRewriteException}; to keep the original prompt instead, return
 * {@link RewrittenPrompt#fallback}. {@code io.hunyuan4j.core.rewrite.ChatCompletionsRewriter} calls an
 * OpenAI-compatible endpoint (docs/prompt-rewrite.md).
 *
 * @see <a href="https://github.com/Tencent-Hunyuan/HunyuanVideo/blob/main/hyvideo/prompt_rewrite.py">Tencent
 *     HunyuanVideo prompt_rewrite.py</a>
 */
@FunctionalInterface
public interface PromptRewriter {

    /** Which rewrite a request asks for (HunyuanVideo's two modes, or none). */
    enum Mode {
        /** The prompt is encoded as given (the default). */
        NONE,
        /** Clarify the user's intent, keeping its content: better understanding of what was asked. */
        NORMAL,
        /**
         * Add composition, lighting and camera-movement detail: higher visual quality, at some cost in
         * fidelity to what was asked.
         */
        MASTER
    }

    /**
     * Rewrites one prompt.
     *
     * @param prompt the user's text (may be empty)
     * @param mode {@link Mode#NORMAL} or {@link Mode#MASTER} (the pipeline never passes {@code NONE})
     * @return the rewrite, or {@link RewrittenPrompt#fallback} to keep the original
     * @throws PromptRewriteException if the rewrite failed and the generation should fail with it
     */
    RewrittenPrompt rewrite(String prompt, Mode mode);
}
