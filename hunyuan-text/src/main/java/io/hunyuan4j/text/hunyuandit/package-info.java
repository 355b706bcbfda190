/**
 * HunyuanDiT's prompt encoding: the bilingual BERT ({@link io.hunyuan4j.text.bert}, 77 tokens) and the mT5-XL
 * encoder ({@link io.hunyuan4j.text.t5}, 256 tokens), both with their attention masks, as
 * {@code HunyuanDiTPipeline.encode_prompt} calls them, behind {@link io.hunyuan4j.core.api.PromptEncoder}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/hunyuandit/pipeline_hunyuandit.py">diffusers HunyuanDiTPipeline</a>
 */
@NullMarked
package io.hunyuan4j.text.hunyuandit;

import org.jspecify.annotations.NullMarked;
