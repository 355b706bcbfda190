@NullMarked
package io.hunyuan4j.core.ops;

import org.jspecify.annotations.NullMarked;
