/**
 * The component API: what the pipeline, the offloader and the loaders know of a model. {@link
 * io.hunyuan4j.core.api.Denoiser}, {@link io.hunyuan4j.core.api.PromptEncoder} and {@link
 * io.hunyuan4j.core.api.LatentDecoder} with their value types, the {@link java.util.ServiceLoader} factories that
 * build them from a diffusers folder, and {@link io.hunyuan4j.core.api.Offloadable} for components whose weights
 * can be moved. Model packages implement these; this package depends on no model, on neither {@code pipeline}
 * nor {@code offload} (docs/architecture.md).
 */
@NullMarked
package io.hunyuan4j.core.api;

import org.jspecify.annotations.NullMarked;
