package io.hunyuan4j.spark;

import static org.apache.spark.sql.functions.col;

import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.ops.ComputeDtype;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.jspecify.annotations.Nullable;

/**
 * Generates the videos of a request table on a Spark cluster and returns the results table.
 *
 * <pre>{@code
 * SparkVideoGenerator generator = SparkVideoGenerator.builder("hdfs:///videos/run-42")
 *         .model("hdfs:///models/HunyuanVideo")          // or a folder every executor can read
 *         .computeDtype(ComputeDtype.BF16)
 *         .build();
 * Dataset<Row> results = generator.generate(VideoRequests.read(spark, "hdfs:///prompts.jsonl"));
 * results.where("status = 'FAILED'").show(false);
 * }</pre>
 *
 * <p>Each executor JVM loads one pipeline per device (on the first request it must generate) and keeps it for
 * every later task and partition; it is closed when the JVM exits. A task generates its partition's requests one
 * after the other, one generation at a time per device. Each video goes to {@code OUTPUT/ID.mp4} through Hadoop's
 * {@code FileSystem} (temporary hidden name, then rename); a request whose output is already complete is not
 * generated again (status {@code EXISTED}), so a re-run of the job, or a retried task, only makes what is missing.
 * Results: {@link VideoResults}. Request columns: {@link VideoRequests}. Deployment and scaling: docs/spark.md.
 *
 * <p>Only one job should write an output folder at a time: when the job ends the temporary files of dead attempts
 * in the folder are deleted.
 */
public final class SparkVideoGenerator {

    /**
     * Everything a task needs, shipped to the executors with it.
     *
     * @param outputDir the output folder's URI
     * @param model the model location, or null for the embedded tiny model
     * @param computeDtype precision
     * @param offload offload mode
     * @param defaults values for the optional request columns
     * @param beforeRename run between a video's temporary write and its rename (tests)
     */
    record Settings(String outputDir, @Nullable String model, ComputeDtype computeDtype, Offload offload,
            RequestParser.Defaults defaults, VideoOutput.BeforeRename beforeRename) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final Settings settings;

    private SparkVideoGenerator(Settings settings) {
        this.settings = settings;
    }

    /**
     * Starts a generator writing to {@code outputDir}.
     *
     * @param outputDir a folder URI every executor can write ({@code hdfs://}, {@code s3a://}, {@code file:}, or a
     *     path on a shared mount); created if missing
     * @return a builder: the embedded tiny model in float32 without offload unless changed
     */
    public static Builder builder(String outputDir) {
        return new Builder(outputDir);
    }

    /**
     * Generates every request of the table and returns one result row per request, in no particular order. The
     * job runs when this is called; the results are collected to the driver (one small row per request) and
     * returned as a local table, so reading them never runs a generation again. Spark's {@code SparkException}
     * (thrown undeclared, as Scala code does) ends the call if a task fails more than
     * {@code spark.task.maxFailures} times: the model cannot be loaded on an executor, or executors keep dying.
     *
     * @param requests a table with at least the columns {@code id} (unique) and {@code prompt}; see
     *     {@link VideoRequests} for the optional ones. Its partitions are the tasks: partition it to the number
     *     of task slots or more
     * @return the results table ({@link VideoResults#SCHEMA})
     * @throws IllegalArgumentException if a required column is missing or ids repeat (named), or the model
     *     location holds no model, before anything is generated
     * @throws UncheckedIOException if the output folder cannot be created or the model location read
     */
    public Dataset<Row> generate(Dataset<Row> requests) {
        SparkSession spark = requests.sparkSession();
        Dataset<Row> normalized = VideoRequests.normalize(requests);
        List<Row> repeated = normalized.groupBy(col(VideoRequests.ID)).count().where(col("count").gt(1)).limit(5)
                .collectAsList();
        if (!repeated.isEmpty()) {
            throw new IllegalArgumentException("request ids must be unique (each names its output file), but these"
                    + " repeat: " + repeated.stream().map(r -> r.get(0) + " x" + r.getLong(1)).toList());
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopConf hadoop = new HadoopConf(jsc.hadoopConfiguration());
        VideoOutput output;
        try {
            if (settings.model() != null) {
                ModelLocation.check(settings.model(), hadoop.get());
            }
            output = VideoOutput.at(settings.outputDir(), hadoop.get());
            output.create();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        Broadcast<HadoopConf> conf = jsc.broadcast(hadoop);
        try {
            List<Row> results = normalized.mapPartitions(new GenerateTask(settings, conf),
                    Encoders.row(VideoResults.SCHEMA)).collectAsList();
            output.sweep();
            return spark.createDataFrame(results, VideoResults.SCHEMA);
        } catch (IOException e) {
            throw new UncheckedIOException("cleaning temporary files in " + settings.outputDir() + " failed: "
                    + e.getMessage(), e);
        } finally {
            conf.destroy();
        }
    }

    /** The settings, for the main's log line and tests. */
    Settings settings() {
        return settings;
    }

    /** Options of a {@link SparkVideoGenerator}; bare fluent names as the pipeline's builder. */
    public static final class Builder {
        private final String outputDir;
        private @Nullable String model;
        private ComputeDtype computeDtype = ComputeDtype.FLOAT32;
        private Offload offload = Offload.NONE;
        private VideoOutput.BeforeRename beforeRename = VideoOutput.BeforeRename.NONE;

        private Builder(String outputDir) {
            this.outputDir = Objects.requireNonNull(outputDir, "outputDir");
            if (outputDir.isBlank()) {
                throw new IllegalArgumentException("outputDir must name a folder but is blank");
            }
        }

        /**
         * The model folder (diffusers layout): a path every executor can read, or a Hadoop-compatible URI
         * ({@code hdfs://}, {@code s3a://}, ...), which each executor copies to its local disk once.
         *
         * @param location the folder, or null for the embedded tiny model (random weights; for tests)
         * @return this builder
         */
        public Builder model(@Nullable String location) {
            if (location != null && location.isBlank()) {
                throw new IllegalArgumentException("model location is blank; give a folder, or null for the tiny"
                        + " model");
            }
            this.model = location;
            return this;
        }

        /**
         * The compute precision of every executor's pipeline.
         *
         * @param d FLOAT32 (default) or BF16
         * @return this builder
         */
        public Builder computeDtype(ComputeDtype d) {
            this.computeDtype = Objects.requireNonNull(d, "computeDtype");
            return this;
        }

        /**
         * The offload mode of every executor's pipeline (docs/offload.md), for executors whose device memory is
         * smaller than the model.
         *
         * @param o NONE (default), MODEL or BLOCK
         * @return this builder
         */
        public Builder offload(Offload o) {
            this.offload = Objects.requireNonNull(o, "offload");
            return this;
        }

        /** Test hook: runs between each temporary write and its rename, in the executors. */
        Builder beforeRename(VideoOutput.BeforeRename hook) {
            this.beforeRename = Objects.requireNonNull(hook, "beforeRename");
            return this;
        }

        /**
         * The generator. Nothing is loaded here: each executor loads its pipeline on its first request.
         *
         * @return the generator
         */
        public SparkVideoGenerator build() {
            return new SparkVideoGenerator(new Settings(outputDir, model, computeDtype, offload,
                    RequestParser.Defaults.forModel(model), beforeRename));
        }
    }
}
