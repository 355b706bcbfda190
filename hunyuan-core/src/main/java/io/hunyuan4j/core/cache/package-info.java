/**
 * Step caching for the denoiser: strategies that reuse or extrapolate the block stack's work from earlier steps
 * instead of running every block at every step. {@link io.hunyuan4j.core.cache.StepCache} names a strategy
 * ({@link io.hunyuan4j.core.cache.FirstBlockCache}, {@link io.hunyuan4j.core.cache.TaylorSeerCache},
 * {@link io.hunyuan4j.core.cache.MagCache}, {@link io.hunyuan4j.core.cache.TeaCache}); a
 * {@link io.hunyuan4j.core.cache.CacheSession} holds its state for one generation, one
 * {@link io.hunyuan4j.core.cache.CacheContext} per guidance branch ({@code cond}, {@code uncond}, as diffusers'
 * {@code cache_context}); a denoiser exposes its blocks as a {@link io.hunyuan4j.core.cache.BlockStack}, and asks
 * the context for a {@link io.hunyuan4j.core.cache.ModuleHook} around each named submodule a strategy may cache
 * (TaylorSeer's default mode: the blocks' attention). This
 * package depends on the ops layer only, so both the model packages and the pipeline can use it.
 * docs/caching.md.
 */
@NullMarked
package io.hunyuan4j.core.cache;

import org.jspecify.annotations.NullMarked;
