/** Benchmark programs (main classes); run them one at a time on an otherwise idle machine. */
@NullMarked
package io.hunyuan4j.examples.bench;

import org.jspecify.annotations.NullMarked;
