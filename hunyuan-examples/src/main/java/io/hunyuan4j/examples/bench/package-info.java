/** Benchmark programs: run by hand, print their measurements; not tests. */
@NullMarked
package io.hunyuan4j.examples.bench;

import org.jspecify.annotations.NullMarked;
