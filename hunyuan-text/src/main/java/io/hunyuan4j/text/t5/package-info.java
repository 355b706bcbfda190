/**
 * The T5 v1.1 / mT5 encoder (transformers {@code T5EncoderModel}): CogVideoX's {@code text_encoder} (T5-XXL)
 * and HunyuanDiT's {@code text_encoder_2} (mT5-XL) are one implementation. Relative-position buckets, an
 * unscaled attention with a shared position bias, RMS layer norms and a (gated) feed-forward; weights bound by
 * transformers' parameter names ({@code shared.weight}, {@code encoder.block.N.layer.0.SelfAttention.q.weight},
 * ...).
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/t5/modeling_t5.py">transformers modeling_t5.py</a>
 */
@NullMarked
package io.hunyuan4j.text.t5;

import org.jspecify.annotations.NullMarked;
