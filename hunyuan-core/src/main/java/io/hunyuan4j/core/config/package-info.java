@NullMarked
package io.hunyuan4j.core.config;

import org.jspecify.annotations.NullMarked;
