/**
 * LoRA adapters for the transformer: files in the diffusers/PEFT, Tencent-original and kohya/musubi layouts are
 * named the diffusers way ({@link io.hunyuan4j.core.lora.LoraKeys}), checked against the loaded model, and applied
 * low-rank or fused with a weight each, changed or removed without reloading the base weights
 * ({@link io.hunyuan4j.core.lora.LoraAdapters}). docs/lora.md.
 */
@NullMarked
package io.hunyuan4j.core.lora;

import org.jspecify.annotations.NullMarked;
