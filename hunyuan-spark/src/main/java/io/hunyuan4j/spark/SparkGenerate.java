package io.hunyuan4j.spark;

import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.ops.ComputeDtype;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.jspecify.annotations.Nullable;

/**
 * The {@code spark-submit} entry point: reads a prompt file, generates every request on the cluster, writes
 * {@code OUTPUT/ID.mp4} per request and the results table as JSON lines in {@code OUTPUT/_results/}, and prints
 * a summary. See docs/spark.md for the command.
 *
 * <pre>
 * SparkGenerate --input FILE.jsonl|FILE.csv --output DIR [--model DIR_OR_URI] [--dtype fp32|bf16]
 *               [--offload none|model|block] [--partitions N]
 * </pre>
 *
 * <p>Exit status: 0 when every request is {@code GENERATED} or {@code EXISTED}, 1 when some failed (their rows
 * say why), 2 for a usage error.
 */
public final class SparkGenerate {

    /** The results table's folder under the output folder (a leading underscore: hidden from Spark readers). */
    public static final String RESULTS = "_results";

    private static final List<String> OPTIONS = List.of("--input", "--output", "--model", "--dtype", "--offload",
            "--partitions");

    private SparkGenerate() {}

    /**
     * Runs with the session {@code spark-submit} configured.
     *
     * @param args see the class notes
     */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int code;
        try (SparkSession spark = SparkSession.builder().appName("hunyuan4j-generate").getOrCreate()) {
            code = run(spark, args, out);
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Parses the arguments and runs the job on {@code spark}.
     *
     * @return the exit status (see the class notes)
     */
    static int run(SparkSession spark, String[] args, PrintStream out) {
        Args a;
        try {
            a = Args.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("usage error: " + e.getMessage());
            out.println("usage: SparkGenerate --input FILE.jsonl|FILE.csv --output DIR [--model DIR_OR_URI]"
                    + " [--dtype fp32|bf16] [--offload none|model|block] [--partitions N]");
            return 2;
        }
        SparkVideoGenerator generator = SparkVideoGenerator.builder(a.output()).model(a.model())
                .computeDtype(a.dtype()).offload(a.offload()).build();
        Dataset<Row> requests = VideoRequests.read(spark, a.input());
        if (a.partitions() > 0) {
            requests = requests.repartition(a.partitions());
        }
        Dataset<Row> results = generator.generate(requests);
        String resultsDir = a.output().replaceAll("/+$", "") + "/" + RESULTS;
        results.coalesce(1).write().mode(SaveMode.Overwrite).option("ignoreNullFields", "false").json(resultsDir);
        Map<String, Long> counts = new HashMap<>();
        for (Row r : results.groupBy(VideoResults.STATUS).count().collectAsList()) {
            counts.put(r.getString(0), r.getLong(1));
        }
        long failed = counts.getOrDefault(VideoResults.Status.FAILED.name(), 0L);
        out.printf("%d generated, %d existed, %d failed; results in %s%n",
                counts.getOrDefault(VideoResults.Status.GENERATED.name(), 0L),
                counts.getOrDefault(VideoResults.Status.EXISTED.name(), 0L), failed, resultsDir);
        return failed == 0 ? 0 : 1;
    }

    /** The parsed command line; {@code partitions} 0 keeps the file's partitioning. */
    private record Args(String input, String output, @Nullable String model, ComputeDtype dtype, Offload offload,
            int partitions) {

        static Args parse(String[] args) {
            Map<String, String> opts = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!OPTIONS.contains(args[i])) {
                    throw new IllegalArgumentException("unknown option '" + args[i] + "'; options: " + OPTIONS);
                }
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                opts.put(args[i], args[++i]);
            }
            String input = opts.get("--input");
            String output = opts.get("--output");
            if (input == null || output == null) {
                throw new IllegalArgumentException((input == null ? "--input" : "--output") + " is required");
            }
            String partitions = opts.getOrDefault("--partitions", "0");
            if (!partitions.matches("[0-9]{1,7}")) {
                throw new IllegalArgumentException("--partitions must be a positive whole number but is '"
                        + partitions + "'");
            }
            return new Args(input, output, opts.get("--model"),
                    ComputeDtype.parse(opts.getOrDefault("--dtype", "fp32")),
                    Offload.parse(opts.getOrDefault("--offload", "none")), Integer.parseInt(partitions));
        }
    }
}
