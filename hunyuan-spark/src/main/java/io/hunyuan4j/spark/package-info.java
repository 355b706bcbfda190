/**
 * Batch generation on Apache Spark. {@link io.hunyuan4j.spark.SparkVideoGenerator} takes a DataFrame of requests
 * (columns of {@link io.hunyuan4j.spark.VideoRequests}), generates in the executors with one pipeline per executor
 * JVM and device (loaded on first use, reused by every later task, closed at JVM shutdown), writes each video
 * through Hadoop's {@code FileSystem} API (temporary hidden name, then rename; a complete output is never made
 * twice) and returns one result row per request ({@link io.hunyuan4j.spark.VideoResults}), so a bad request fails
 * only its row. {@link io.hunyuan4j.spark.SparkGenerate} is the {@code spark-submit} entry point; docs/spark.md
 * describes deployment and scaling.
 */
@NullMarked
package io.hunyuan4j.spark;

import org.jspecify.annotations.NullMarked;
