/**
 * Where weights live while a pipeline runs: the {@link io.hunyuan4j.core.offload.Offload} modes (none, model,
 * block), the {@link io.hunyuan4j.core.offload.Offloader} that alone moves weights onto and off the device, the
 * device-memory accounting and budget, and {@link io.hunyuan4j.core.offload.MemoryPlanner}, which computes peak
 * memory from checkpoint manifests without loading anything. docs/offload.md, docs/memory.md.
 */
@NullMarked
package io.hunyuan4j.core.offload;

import org.jspecify.annotations.NullMarked;
