/**
 * CogVideoX's prompt encoding: the T5-XXL encoder ({@link io.hunyuan4j.text.t5}) called the way
 * {@code CogVideoXPipeline._get_t5_prompt_embeds} calls it, behind {@link io.hunyuan4j.core.api.PromptEncoder}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/cogvideo/pipeline_cogvideox.py">diffusers CogVideoXPipeline</a>
 */
@NullMarked
package io.hunyuan4j.text.cogvideox;

import org.jspecify.annotations.NullMarked;
