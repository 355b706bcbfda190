/**
 * The SDK's root: {@link io.hunyuan4j.core.HunyuanException}, the one exception type (and its subclasses in the
 * subpackages) that everything the SDK throws on purpose extends.
 */
@NullMarked
package io.hunyuan4j.core;

import org.jspecify.annotations.NullMarked;
