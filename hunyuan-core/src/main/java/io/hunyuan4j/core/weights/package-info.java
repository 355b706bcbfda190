@NullMarked
package io.hunyuan4j.core.weights;

import org.jspecify.annotations.NullMarked;
