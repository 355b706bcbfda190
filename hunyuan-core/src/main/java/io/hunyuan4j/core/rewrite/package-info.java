/**
 * Prompt rewriting over an LLM endpoint: {@link io.hunyuan4j.core.rewrite.ChatCompletionsRewriter} implements
 * the pipeline's {@link io.hunyuan4j.core.pipeline.PromptRewriter} with an OpenAI-compatible chat-completions
 * call and the SDK's two mode templates. docs/prompt-rewrite.md.
 */
@NullMarked
package io.hunyuan4j.core.rewrite;

import org.jspecify.annotations.NullMarked;
