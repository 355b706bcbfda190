package io.hunyuan4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark in local mode ({@code local[2,2]}: two task threads, a task may fail once and is retried) with the embedded
 * tiny model: videos written atomically and idempotently, a bad request failing only its row, a task that dies
 * after its temporary write retried without a duplicate or partial file.
 */
class SparkVideoGeneratorTest {

    private static final int HEIGHT = 32;
    private static final int WIDTH = 48;
    private static final int FRAMES = 5;

    private static SparkSession spark;

    /** Stands in for an executor dying between a video's temporary write and its rename. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String message) {
            super(message);
        }
    }

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder().master("local[2,2]").appName("hunyuan-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static final StructType REQUESTS = new StructType()
            .add("id", DataTypes.StringType).add("prompt", DataTypes.StringType)
            .add("negative_prompt", DataTypes.StringType).add("seed", DataTypes.LongType)
            .add("height", DataTypes.IntegerType).add("width", DataTypes.IntegerType)
            .add("frames", DataTypes.IntegerType).add("steps", DataTypes.IntegerType);

    /** r0..r8 in 2 partitions (r0-r3, r4-r8); r4 asks for 10 frames (not 4k+1); r2 and r7 leave the seed out. */
    private static Dataset<Row> requests() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            rows.add(RowFactory.create("r" + i, "a paper boat on a pond, shot " + i, i % 3 == 0 ? "blurry" : null,
                    i == 2 || i == 7 ? null : 100L + i, HEIGHT, WIDTH, i == 4 ? 10 : FRAMES, 2));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(rows, 2), REQUESTS);
    }

    @Test
    void eightVideosABadRowAndAKilledTaskRetriedThenARerunSkipsWhatIsComplete(@TempDir Path dir) throws IOException {
        Dataset<Row> requests = requests();
        assertEquals(2, requests.rdd().getNumPartitions());
        Path out = dir.resolve("videos");
        // r6's first attempt dies after writing half of its temporary file; Spark retries the task (maxFailures 2)
        SparkVideoGenerator generator = SparkVideoGenerator.builder(out.toUri().toString())
                .beforeRename((id, temp) -> {
                    if (id.equals("r6") && TaskContext.get().attemptNumber() == 0) {
                        Path tmp = Paths.get(temp.toUri());
                        byte[] bytes = Files.readAllBytes(tmp);
                        Files.write(tmp, java.util.Arrays.copyOf(bytes, bytes.length / 2));
                        throw new SimulatedCrash("executor lost after writing " + tmp.getFileName());
                    }
                }).build();

        long t0 = System.nanoTime();
        Map<String, Row> results = byId(generator.generate(requests));
        double minutes = (System.nanoTime() - t0) / 60e9;

        assertEquals(9, results.size());
        Row bad = results.get("r4");
        assertEquals("FAILED", bad.getAs(VideoResults.STATUS));
        assertTrue(bad.<String>getAs(VideoResults.ERROR).contains("frames must be 4k+1"), bad.toString());
        assertNull(bad.getAs(VideoResults.OUTPUT_PATH));
        assertEquals(104L, bad.<Long>getAs(VideoResults.SEED));

        Set<Integer> pipelines = new TreeSet<>();
        int loads = 0;
        for (int i = 0; i < 9; i++) {
            Row r = results.get("r" + i);
            assertEquals(i == 2 || i == 7 ? Integer.toUnsignedLong(("r" + i).hashCode()) : 100L + i,
                    r.<Long>getAs(VideoResults.SEED), "the given seed, or one derived from the id: " + r);
            assertEquals(i < 4 ? 0 : 1, r.<Integer>getAs(VideoResults.ATTEMPT), "partition 2 is reported by its retry: " + r);
            assertEquals("cpu()", r.getAs(VideoResults.DEVICE));
            if (i == 4) {
                continue;
            }
            // r5 was completed by the attempt that died: its retry finds it and does not make it again
            assertEquals(i == 5 ? "EXISTED" : "GENERATED", r.getAs(VideoResults.STATUS), r.toString());
            assertNull(r.getAs(VideoResults.ERROR));
            assertEquals(out.resolve("r" + i + ".mp4").toUri(), Paths.get(java.net.URI.create(
                    r.<String>getAs(VideoResults.OUTPUT_PATH))).toUri());
            if (i != 5) {
                pipelines.add(r.getAs(VideoResults.PIPELINE_INSTANCE));
                assertTrue(r.<Long>getAs(VideoResults.GENERATE_MS) > 0, r.toString());
                loads += r.<Long>getAs(VideoResults.LOAD_MS) > 0 ? 1 : 0;
            }
        }
        assertEquals(1, pipelines.size(), "one pipeline in this JVM served both partitions and the retry: " + pipelines);
        assertTrue(loads <= 1, "the pipeline is loaded once per JVM, not per task: " + loads);

        List<String> expected = List.of("r0.mp4", "r1.mp4", "r2.mp4", "r3.mp4", "r5.mp4", "r6.mp4", "r7.mp4", "r8.mp4");
        assertEquals(expected, names(out), "8 videos, no temporary, partial or checksum file");
        for (String name : expected) {
            assertValidMp4(out.resolve(name));
        }
        // r6 (checked above: every frame demuxes) is the retry's complete file, not the half the dead attempt left:
        // the same request generated again gives the same bytes
        Map<String, Row> again = byId(SparkVideoGenerator.builder(dir.resolve("again").toString()).build()
                .generate(requests.where("id = 'r6'")));
        assertEquals("GENERATED", again.get("r6").getAs(VideoResults.STATUS));
        assertArrayEquals(Files.readAllBytes(dir.resolve("again/r6.mp4")), Files.readAllBytes(out.resolve("r6.mp4")));

        // a re-run: a stale temporary file of a long-dead attempt and a truncated r1.mp4 (not written by us)
        Files.write(out.resolve(".r0.mp4.attempt-999.tmp"), new byte[] {1, 2, 3});
        Files.write(out.resolve("r1.mp4"), new byte[] {0, 0, 0});
        FileTime r3Time = Files.getLastModifiedTime(out.resolve("r3.mp4"));
        Map<String, Row> rerun = byId(SparkVideoGenerator.builder(out.toString()).build().generate(requests));
        for (int i = 0; i < 9; i++) {
            String status = rerun.get("r" + i).getAs(VideoResults.STATUS);
            assertEquals(i == 4 ? "FAILED" : i == 1 ? "GENERATED" : "EXISTED", status, rerun.get("r" + i).toString());
        }
        assertEquals(expected, names(out));
        assertValidMp4(out.resolve("r1.mp4"));
        assertEquals(r3Time, Files.getLastModifiedTime(out.resolve("r3.mp4")), "a complete output is not rewritten");

        // 8 videos of 5 frames at 32x48, 2 steps, on this machine's CPU (docs/spark.md quotes the figure)
        assertTrue(minutes > 0 && 8 / minutes > 1, "throughput " + (8 / minutes) + " videos/minute");
    }

    @Test
    void theMainReadsJsonLinesAndCsvLoadsAModelFolderAndWritesTheResultsTable(@TempDir Path dir) throws IOException {
        Path model = Files.createDirectories(dir.resolve("model"));
        io.hunyuan4j.testing.TinyModel.writeDiffusersFolder(model);
        Path jsonl = dir.resolve("prompts.jsonl");
        Files.writeString(jsonl, """
                {"id": "fox", "prompt": "a red fox in the snow", "seed": 11, "height": 32, "width": 32, "frames": 5, "steps": 1}
                {"id": "owl", "prompt": "an owl at night", "height": 32, "width": 32, "frames": 5, "steps": 1, "extra": true}
                """);
        Path out = dir.resolve("out");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int code = SparkGenerate.run(spark, new String[] {"--input", jsonl.toString(), "--output", out.toString(),
            "--model", model.toString(), "--partitions", "2"}, new PrintStream(text, true, StandardCharsets.UTF_8));
        assertEquals(0, code, text.toString(StandardCharsets.UTF_8));
        assertTrue(text.toString(StandardCharsets.UTF_8).startsWith("2 generated, 0 existed, 0 failed"), text.toString());
        assertValidMp4(out.resolve("fox.mp4"), 5, 32, 32);
        assertValidMp4(out.resolve("owl.mp4"), 5, 32, 32);
        List<Row> table = spark.read().json(out.resolve(SparkGenerate.RESULTS).toString()).collectAsList();
        assertEquals(2, table.size());
        assertTrue(List.of(table.get(0).schema().fieldNames()).containsAll(VideoResults.COLUMNS));

        // CSV, the tiny model's defaults for what a row leaves out, and a malformed number failing its row only
        Path csv = dir.resolve("prompts.csv");
        Files.writeString(csv, """
                id,prompt,frames,steps,image_path
                cat,"a cat, sleeping",5,1,
                dog,a dog,nine,1,
                ghost,a ghost,5,1,/nonexistent/ghost.png
                """);
        Path out2 = dir.resolve("out2");
        text.reset();
        code = SparkGenerate.run(spark, new String[] {"--input", csv.toString(), "--output", out2.toString()},
                new PrintStream(text, true, StandardCharsets.UTF_8));
        assertEquals(1, code, "a failed row makes the exit status 1: " + text);
        assertTrue(text.toString(StandardCharsets.UTF_8).startsWith("1 generated, 0 existed, 2 failed"), text.toString());
        assertValidMp4(out2.resolve("cat.mp4"), 5, 64, 64);
        Row dog = spark.read().json(out2.resolve(SparkGenerate.RESULTS).toString()).where("id = 'dog'").first();
        assertEquals("FAILED", dog.getAs(VideoResults.STATUS));
        assertTrue(dog.<String>getAs(VideoResults.ERROR).contains("frames must be a whole number but is 'nine'"),
                dog.toString());
        // an image that cannot be read fails its row before any generation
        Row ghost = spark.read().json(out2.resolve(SparkGenerate.RESULTS).toString()).where("id = 'ghost'").first();
        assertEquals("FAILED", ghost.getAs(VideoResults.STATUS));
        assertTrue(ghost.<String>getAs(VideoResults.ERROR).contains("ghost.png"), ghost.toString());

        assertEquals(2, SparkGenerate.run(spark, new String[] {"--input", csv.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    }

    @Test
    void tableProblemsFailTheCallBeforeAnythingIsGenerated(@TempDir Path dir) {
        SparkVideoGenerator generator = SparkVideoGenerator.builder(dir.resolve("o").toString()).build();
        Dataset<Row> noPrompt = requests().drop("prompt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> generator.generate(noPrompt));
        assertTrue(e.getMessage().contains("needs a column 'prompt'"), e.getMessage());

        Dataset<Row> twice = requests().union(requests().where("id = 'r3'"));
        e = assertThrows(IllegalArgumentException.class, () -> generator.generate(twice));
        assertTrue(e.getMessage().contains("r3 x2"), e.getMessage());

        SparkVideoGenerator noModel = SparkVideoGenerator.builder(dir.resolve("o").toString())
                .model(dir.resolve("missing").toString()).build();
        e = assertThrows(IllegalArgumentException.class, () -> noModel.generate(requests()));
        assertTrue(e.getMessage().contains("holds no model_index.json"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("o")), "nothing written");
    }

    private static Map<String, Row> byId(Dataset<Row> results) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : results.collectAsList()) {
            assertNull(m.put(r.getAs(VideoResults.ID), r), "one row per request");
        }
        return m;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static void assertValidMp4(Path file) throws IOException {
        assertValidMp4(file, FRAMES, HEIGHT, WIDTH);
    }

    /** The MP4 box structure as a demuxer reads it: one H.264 track, its frame count and size, every packet. */
    private static void assertValidMp4(Path file, int frames, int height, int width) throws IOException {
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(file), 8);
        assertArrayEquals("ftyp".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOfRange(head, 4, 8));
        try (SeekableByteChannel ch = NIOUtils.readableChannel(file.toFile())) {
            List<DemuxerTrack> tracks = MP4Demuxer.createMP4Demuxer(ch).getVideoTracks();
            assertEquals(1, tracks.size(), file.toString());
            DemuxerTrackMeta meta = tracks.get(0).getMeta();
            assertEquals(Codec.H264, meta.getCodec());
            assertEquals(frames, meta.getTotalFrames());
            assertEquals(width, meta.getVideoCodecMeta().getSize().getWidth());
            assertEquals(height, meta.getVideoCodecMeta().getSize().getHeight());
            int packets = 0;
            while (tracks.get(0).nextFrame() != null) {
                packets++;
            }
            assertEquals(frames, packets);
        }
        assertNotNull(file);
    }
}
