/**
 * Prompt encoding for HunyuanVideo: the Llama (MLLM text tower) and CLIP text encoders, the video prompt
 * template, and {@link io.hunyuan4j.text.HunyuanPromptEncoder}, the SDK's
 * {@link io.hunyuan4j.core.api.PromptEncoder}; and what every family's prompt encoder shares: the tokenizers
 * ({@link io.hunyuan4j.text.TextTokenizer}: {@code tokenizer.json}, or a slow tokenizer's {@code vocab.txt},
 * {@code spiece.model} or {@code vocab.json} + {@code merges.txt} converted), the token checks and
 * {@link io.hunyuan4j.text.PromptEncoders}. The T5 and BERT encoders and the CogVideoX / HunyuanDiT prompt encoders
 * are in the sub-packages.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/hunyuan_video/pipeline_hunyuan_video.py">diffusers HunyuanVideoPipeline.encode_prompt</a>
 */
@NullMarked
package io.hunyuan4j.text;

import org.jspecify.annotations.NullMarked;
