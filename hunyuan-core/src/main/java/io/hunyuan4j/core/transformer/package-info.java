@NullMarked
package io.hunyuan4j.core.transformer;

import org.jspecify.annotations.NullMarked;
