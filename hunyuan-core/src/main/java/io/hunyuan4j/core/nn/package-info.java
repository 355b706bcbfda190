/**
 * Weight-holding primitives mirroring {@code torch.nn} ({@code Linear}, {@code LayerNorm}, {@code RmsNorm},
 * {@code Conv3d}): each takes its tensors from a {@link io.hunyuan4j.core.weights.StateDict} view by the reference
 * parameter names and computes through {@link io.hunyuan4j.core.ops.F}. Model code never imports DJL's
 * {@code ai.djl.nn}.
 */
@NullMarked
package io.hunyuan4j.core.nn;

import org.jspecify.annotations.NullMarked;
