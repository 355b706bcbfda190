@NullMarked
package io.hunyuan4j.core.runtime;

import org.jspecify.annotations.NullMarked;
