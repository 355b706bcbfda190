/**
 * HunyuanVideo's diffusion transformer ({@link io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D}, diffusers'
 * {@code HunyuanVideoTransformer3DModel}) and its blocks, one class per reference module, bound by diffusers
 * parameter names; the token refiner ({@code context_embedder}) lives here since its weights are in the
 * transformer checkpoint. Tencent's original single-file layout is mapped to diffusers names in one place.
 * docs/transformer.md.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers transformer_hunyuan_video.py</a>
 */
@NullMarked
package io.hunyuan4j.core.transformer;

import org.jspecify.annotations.NullMarked;
