/** Benchmark programs: run by hand, never as tests. */
@NullMarked
package io.hunyuan4j.examples.bench;

import org.jspecify.annotations.NullMarked;
