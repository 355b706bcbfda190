@NullMarked
package io.hunyuan4j.core.golden;

import org.jspecify.annotations.NullMarked;
