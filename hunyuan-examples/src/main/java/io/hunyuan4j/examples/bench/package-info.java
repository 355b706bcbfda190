/** Benchmark programs (run by hand, serially; never as timed tests). */
@NullMarked
package io.hunyuan4j.examples.bench;

import org.jspecify.annotations.NullMarked;
