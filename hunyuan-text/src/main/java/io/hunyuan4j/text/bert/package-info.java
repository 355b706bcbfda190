/**
 * The BERT encoder (transformers {@code BertModel}): HunyuanDiT's {@code text_encoder}, the text tower of its
 * bilingual Chinese-CLIP. Post-LayerNorm layers with absolute positions and token types; weights bound by
 * transformers' parameter names ({@code embeddings.word_embeddings.weight},
 * {@code encoder.layer.N.attention.self.query.weight}, ...).
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/bert/modeling_bert.py">transformers modeling_bert.py</a>
 */
@NullMarked
package io.hunyuan4j.text.bert;

import org.jspecify.annotations.NullMarked;
