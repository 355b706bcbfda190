/**
 * The engine layer: {@link io.hunyuan4j.core.ops.F} mirrors {@code torch.nn.functional} for the ops the models use
 * and is the only code that knows DJL 0.35's gaps; attention sits behind
 * {@link io.hunyuan4j.core.ops.AttentionBackend} (exact, query-chunked by default); compute dtypes (float32, bf16)
 * and the TorchScript kernels live here too. docs/ops.md.
 */
@NullMarked
package io.hunyuan4j.core.ops;

import org.jspecify.annotations.NullMarked;
