@NullMarked
package io.hunyuan4j.core.scheduler;

import org.jspecify.annotations.NullMarked;
