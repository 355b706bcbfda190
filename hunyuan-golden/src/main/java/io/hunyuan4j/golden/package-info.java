/**
 * The parity harness: {@link io.hunyuan4j.golden.GoldenCheck} runs each SDK component on fixtures computed by
 * diffusers (a folder of {@code config.json}, {@code weights.safetensors}, {@code inputs.safetensors} and
 * {@code outputs.safetensors} per component) and compares every output by maximum relative error. The
 * implementations ({@code SchedulerGolden}, {@code TransformerGolden}, {@code VaeGolden}, {@code TextLlamaGolden},
 * {@code TextClipGolden}, {@code PipelineGolden}) are found through {@link java.util.ServiceLoader}. The
 * {@code golden-check} command of {@code hunyuan-examples} prints the report. Not part of the runtime SDK: this
 * module is for verification only.
 */
@NullMarked
package io.hunyuan4j.golden;

import org.jspecify.annotations.NullMarked;
