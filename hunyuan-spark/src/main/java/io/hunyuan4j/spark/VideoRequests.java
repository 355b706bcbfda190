package io.hunyuan4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of a request table, and reading one from a JSON-lines or CSV file. Only {@value #ID} and
 * {@value #PROMPT} are required; a missing optional column, or a null in one, takes the default (the model's:
 * the tiny model's small sizes when no model is given, diffusers' otherwise; the seed is derived from the id so
 * a retried task draws the same noise).
 *
 * <p>Numbers are carried as text until the executor parses them, so a malformed value ({@code "nine"} in a CSV,
 * {@code 9.5} in JSON) fails its own row with a message naming the column, instead of becoming null and silently
 * taking the default as Spark's cast would.
 */
public final class VideoRequests {

    /** Request id, unique in the table: the output is {@code ID.mp4}. Letters, digits, '.', '_', '-'. */
    public static final String ID = "id";
    /** The prompt text. */
    public static final String PROMPT = "prompt";
    /** Optional negative prompt (used with true CFG only). */
    public static final String NEGATIVE_PROMPT = "negative_prompt";
    /** Optional seed (a whole number). */
    public static final String SEED = "seed";
    /** Optional height in pixels (a multiple of 16). */
    public static final String HEIGHT = "height";
    /** Optional width in pixels (a multiple of 16). */
    public static final String WIDTH = "width";
    /** Optional frame count (4k + 1). */
    public static final String FRAMES = "frames";
    /** Optional denoising steps. */
    public static final String STEPS = "steps";
    /** Optional conditioning image (a path): accepted in the table, refused per row until image-to-video exists. */
    public static final String IMAGE_PATH = "image_path";

    /** Every column, in the order of the normalized table. */
    public static final List<String> COLUMNS = List.of(ID, PROMPT, NEGATIVE_PROMPT, SEED, HEIGHT, WIDTH, FRAMES,
            STEPS, IMAGE_PATH);

    /** The normalized table every executor reads: every column, as nullable text. */
    static final StructType SCHEMA = schema();

    private VideoRequests() {}

    private static StructType schema() {
        StructType s = new StructType();
        for (String c : COLUMNS) {
            s = s.add(c, DataTypes.StringType, true);
        }
        return s;
    }

    /**
     * The requests with every column of {@link #COLUMNS}, in that order, as text (missing optional columns are
     * null); other columns are dropped.
     *
     * @throws IllegalArgumentException if {@value #ID} or {@value #PROMPT} is missing (the present columns named)
     */
    static Dataset<Row> normalize(Dataset<Row> requests) {
        List<String> present = new ArrayList<>();
        for (String f : requests.columns()) {
            present.add(f.toLowerCase(Locale.ROOT));
        }
        for (String required : List.of(ID, PROMPT)) {
            if (!present.contains(required)) {
                throw new IllegalArgumentException("the request table needs a column '" + required + "'; it has "
                        + present + " (columns: " + COLUMNS + ")");
            }
        }
        List<Column> select = new ArrayList<>();
        for (String c : COLUMNS) {
            Column v = present.contains(c) ? col(c) : lit(null);
            select.add(v.cast(DataTypes.StringType).as(c));
        }
        return requests.select(select.toArray(new Column[0]));
    }

    /**
     * Reads a request file: JSON lines ({@code .jsonl}, {@code .json}, {@code .ndjson}: one object per line) or CSV
     * with a header line ({@code .csv}). Any Hadoop-compatible URI or local path.
     *
     * @param spark the session
     * @param path the file (or a folder of such files)
     * @return the table as read (columns by their names in the file)
     * @throws IllegalArgumentException for another extension
     */
    public static Dataset<Row> read(SparkSession spark, String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            // every value as text: VideoSettings parses numbers per row, naming a malformed one
            return spark.read().option("header", "true").option("inferSchema", "false").option("multiLine", "true")
                    .option("escape", "\"").csv(path);
        }
        if (lower.endsWith(".jsonl") || lower.endsWith(".json") || lower.endsWith(".ndjson")) {
            return spark.read().json(path);
        }
        throw new IllegalArgumentException("request file '" + path + "' must end with .jsonl, .json, .ndjson or .csv");
    }
}
