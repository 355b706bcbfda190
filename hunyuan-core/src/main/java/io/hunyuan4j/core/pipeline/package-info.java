@NullMarked
package io.hunyuan4j.core.pipeline;

import org.jspecify.annotations.NullMarked;
