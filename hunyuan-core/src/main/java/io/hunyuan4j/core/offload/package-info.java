@NullMarked
package io.hunyuan4j.core.offload;

import org.jspecify.annotations.NullMarked;
