/**
 * Checkpoints: a memory-mapped safetensors reader (single files and sharded folders, lazily, bf16 and FP8
 * decoded), a writer, in-memory and seeded random tensors, and {@link io.hunyuan4j.core.weights.StateDict}, the
 * strict prefix-scoped view modules bind their weights from (every key used once, every shape checked, all
 * mismatches reported together). docs/weights.md, docs/checkpoints.md.
 */
@NullMarked
package io.hunyuan4j.core.weights;

import org.jspecify.annotations.NullMarked;
