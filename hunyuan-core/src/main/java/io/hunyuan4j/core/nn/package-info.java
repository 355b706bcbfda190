/**
 * Weight-holding primitives mirroring {@code torch.nn} ({@code Linear}, {@code LayerNorm}, {@code RmsNorm},
 * {@code Conv3d}, {@code GroupNorm}): each takes its tensors from a {@link io.hunyuan4j.core.weights.StateDict} view by the reference
 * parameter names and computes through {@link io.hunyuan4j.core.ops.F}. Model code never imports DJL's
 * {@code ai.djl.nn}. Also the pieces every VAE shares, after diffusers' {@code autoencoders/vae.py}: the
 * posterior {@code DiagonalGaussianDistribution} and the seam {@code Blend} of overlapping tiles.
 */
@NullMarked
package io.hunyuan4j.core.nn;

import org.jspecify.annotations.NullMarked;
