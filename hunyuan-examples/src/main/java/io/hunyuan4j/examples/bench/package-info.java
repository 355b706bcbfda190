/** Benchmark programs (apps: they print their results). */
@NullMarked
package io.hunyuan4j.examples.bench;

import org.jspecify.annotations.NullMarked;
