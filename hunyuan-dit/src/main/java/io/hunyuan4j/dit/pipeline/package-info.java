/**
 * The HunyuanDiT text-to-image pipeline: prompt and negative prompt through BERT and mT5, CFG with guidance rescale, resolution binning, VAE decoding.
 */
@NullMarked
package io.hunyuan4j.dit.pipeline;

import org.jspecify.annotations.NullMarked;
