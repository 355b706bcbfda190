/**
 * Schedulers as stateless strategies: a {@link io.hunyuan4j.core.scheduler.Scheduler} plans an immutable
 * {@link io.hunyuan4j.core.scheduler.Schedule} for a run and steps latents along it. Flow-matching Euler and Heun,
 * read from diffusers' {@code scheduler_config.json}. docs/schedulers.md.
 */
@NullMarked
package io.hunyuan4j.core.scheduler;

import org.jspecify.annotations.NullMarked;
