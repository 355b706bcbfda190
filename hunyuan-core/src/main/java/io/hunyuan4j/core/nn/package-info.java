@NullMarked
package io.hunyuan4j.core.nn;

import org.jspecify.annotations.NullMarked;
