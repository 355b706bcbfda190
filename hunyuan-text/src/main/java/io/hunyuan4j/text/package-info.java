/**
 * Prompt encoding for HunyuanVideo: the Llama (MLLM text tower) and CLIP text encoders, their tokenizers, the
 * video prompt template, and {@link io.hunyuan4j.text.HunyuanPromptEncoder}, the SDK's
 * {@link io.hunyuan4j.core.api.PromptEncoder}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/hunyuan_video/pipeline_hunyuan_video.py">diffusers HunyuanVideoPipeline.encode_prompt</a>
 */
@NullMarked
package io.hunyuan4j.text;

import org.jspecify.annotations.NullMarked;
