/**
 * HunyuanDiT's denoiser ({@code HunyuanDiT2DModel}): 2D DiT blocks with long skips, cross-attention to BERT and mT5 tokens, 2D RoPE.
 */
@NullMarked
package io.hunyuan4j.dit.transformer;

import org.jspecify.annotations.NullMarked;
