/**
 * Strict reading of diffusers and transformers {@code config.json} files: {@link io.hunyuan4j.core.config.JsonConfig}
 * reads each key with the reference default beside it and reports keys it does not know; the component config
 * records ({@code TransformerConfig}, {@code VaeConfig}, ...) are built from it. {@link io.hunyuan4j.core.config.Limits}
 * bounds what a config may ask for.
 */
@NullMarked
package io.hunyuan4j.core.config;

import org.jspecify.annotations.NullMarked;
