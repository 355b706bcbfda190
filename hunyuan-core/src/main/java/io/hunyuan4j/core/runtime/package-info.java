/** Process-wide settings the SDK applies before it first touches the engine: DJL's offline flags. */
@NullMarked
package io.hunyuan4j.core.runtime;

import org.jspecify.annotations.NullMarked;
