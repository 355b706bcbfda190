@NullMarked
package io.hunyuan4j.examples;

import org.jspecify.annotations.NullMarked;
