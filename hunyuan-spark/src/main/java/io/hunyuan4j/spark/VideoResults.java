package io.hunyuan4j.spark;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.jspecify.annotations.Nullable;

/**
 * The columns of the results table: one row per request, whatever happened to it.
 *
 * <table>
 *   <caption>Result columns</caption>
 *   <tr><th>column</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>{@value #ID}</td><td>string</td><td>the request's id (null if the request had none)</td></tr>
 *   <tr><td>{@value #STATUS}</td><td>string</td><td>a {@link Status} name</td></tr>
 *   <tr><td>{@value #OUTPUT_PATH}</td><td>string</td><td>the video's URI; null when {@code FAILED}</td></tr>
 *   <tr><td>{@value #SEED}</td><td>bigint</td><td>the seed used (given, or derived from the id)</td></tr>
 *   <tr><td>{@value #ERROR}</td><td>string</td><td>why the request failed ({@code Class: message}); else null</td></tr>
 *   <tr><td>{@value #DEVICE}</td><td>string</td><td>where it ran, e.g. {@code cpu()} or {@code gpu(0)}</td></tr>
 *   <tr><td>{@value #EXECUTOR_ID}</td><td>string</td><td>Spark's executor id ({@code driver} in local mode)</td></tr>
 *   <tr><td>{@value #PIPELINE_INSTANCE}</td><td>int</td><td>which pipeline of that JVM made it (1 = the first
 *       loaded); null when nothing was generated</td></tr>
 *   <tr><td>{@value #ATTEMPT}</td><td>int</td><td>Spark's attempt number of the task that reported the row</td></tr>
 *   <tr><td>{@value #LOAD_MS}</td><td>bigint</td><td>pipeline load time, on the row that loaded it; else 0</td></tr>
 *   <tr><td>{@value #GENERATE_MS}</td><td>bigint</td><td>generation wall time (prompt encoding to frames)</td></tr>
 *   <tr><td>{@value #WRITE_MS}</td><td>bigint</td><td>MP4 encoding and the write through the file system</td></tr>
 * </table>
 */
public final class VideoResults {

    /** What happened to a request. */
    public enum Status {
        /** Generated and written by this run. */
        GENERATED,
        /** Its output was already complete (an earlier run or an earlier attempt of the task); nothing was done. */
        EXISTED,
        /** Not generated: see the error column. Other requests are unaffected. */
        FAILED
    }

    /** Column: request id. */
    public static final String ID = "id";
    /** Column: {@link Status} name. */
    public static final String STATUS = "status";
    /** Column: the output's URI. */
    public static final String OUTPUT_PATH = "output_path";
    /** Column: the seed used. */
    public static final String SEED = "seed";
    /** Column: the failure, if any. */
    public static final String ERROR = "error";
    /** Column: the device. */
    public static final String DEVICE = "device";
    /** Column: the executor id. */
    public static final String EXECUTOR_ID = "executor_id";
    /** Column: the pipeline instance in its JVM. */
    public static final String PIPELINE_INSTANCE = "pipeline_instance";
    /** Column: the task attempt number. */
    public static final String ATTEMPT = "attempt";
    /** Column: pipeline load milliseconds. */
    public static final String LOAD_MS = "load_ms";
    /** Column: generation milliseconds. */
    public static final String GENERATE_MS = "generate_ms";
    /** Column: MP4 encoding and write milliseconds. */
    public static final String WRITE_MS = "write_ms";

    /** The results table's schema. */
    public static final StructType SCHEMA = new StructType()
            .add(ID, DataTypes.StringType, true)
            .add(STATUS, DataTypes.StringType, false)
            .add(OUTPUT_PATH, DataTypes.StringType, true)
            .add(SEED, DataTypes.LongType, true)
            .add(ERROR, DataTypes.StringType, true)
            .add(DEVICE, DataTypes.StringType, false)
            .add(EXECUTOR_ID, DataTypes.StringType, false)
            .add(PIPELINE_INSTANCE, DataTypes.IntegerType, true)
            .add(ATTEMPT, DataTypes.IntegerType, false)
            .add(LOAD_MS, DataTypes.LongType, false)
            .add(GENERATE_MS, DataTypes.LongType, false)
            .add(WRITE_MS, DataTypes.LongType, false);

    /** Column names in schema order. */
    public static final List<String> COLUMNS = List.of(SCHEMA.fieldNames());

    private VideoResults() {}

    /** Where and how a row was processed: the same for every row of a task. */
    record Origin(String device, String executorId, int attempt) { }

    /** The per-row outcome, turned into a {@link Row} by {@link #toRow}. */
    record Outcome(@Nullable String id, Status status, @Nullable String outputPath, @Nullable Long seed,
            @Nullable String error, @Nullable Integer pipelineInstance, long loadMs, long generateMs, long writeMs) {

        static Outcome failed(@Nullable String id, @Nullable Long seed, Throwable error) {
            String message = error.getMessage();
            return new Outcome(id, Status.FAILED, null, seed,
                    error.getClass().getSimpleName() + (message == null ? "" : ": " + message), null, 0, 0, 0);
        }

        Row toRow(Origin origin) {
            return RowFactory.create(id, status.name(), outputPath, seed, error, origin.device(), origin.executorId(),
                    pipelineInstance, origin.attempt(), loadMs, generateMs, writeMs);
        }
    }
}
