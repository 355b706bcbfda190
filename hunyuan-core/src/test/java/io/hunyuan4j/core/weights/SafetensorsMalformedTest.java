package io.hunyuan4j.core.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformation of issue 2 point 2 raises a SafetensorsException naming the file and the tensor. */
class SafetensorsMalformedTest {

    @TempDir
    Path dir;

    private static SafetensorsException fails(Path file, @Nullable String tensor, String messagePart) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file).close());
        assertEquals(file, e.file());
        assertEquals(tensor, e.tensor(), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        if (tensor != null) {
            assertTrue(e.getMessage().contains("[" + tensor + "]"), e.getMessage());
        }
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        return e;
    }

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        Path f = Files.write(dir.resolve("short.safetensors"), new byte[] {1, 2, 3});
        fails(f, null, "shorter than the 8-byte header length");
    }

    @Test
    void headerLengthBeyondFile() throws IOException {
        Path f = RawFiles.write(dir.resolve("beyond.safetensors"), 1000, "{}".getBytes(StandardCharsets.UTF_8),
                new byte[0]);
        fails(f, null, "runs past the end of the file");
    }

    @Test
    void headerLengthAboveBound() throws IOException {
        Path f = RawFiles.write(dir.resolve("huge.safetensors"), SafetensorsFile.MAX_HEADER_BYTES + 1,
                "{}".getBytes(StandardCharsets.UTF_8), new byte[0]);
        fails(f, null, "outside [2, " + SafetensorsFile.MAX_HEADER_BYTES + "]");
        // a length with the top bit set is huge, not negative
        Path g = RawFiles.write(dir.resolve("neg.safetensors"), -8, "{}".getBytes(StandardCharsets.UTF_8),
                new byte[0]);
        fails(g, null, "18446744073709551608");
    }

    @Test
    void malformedJson() throws IOException {
        Path truncated = RawFiles.write(dir.resolve("trunc.safetensors"),
                "{" + RawFiles.entry("a", "F32", "[1]", 0, 4), RawFiles.floats(1f));
        fails(truncated, null, "malformed JSON header");
        // lenient syntax that a tree parser would accept
        Path unquoted = RawFiles.write(dir.resolve("unquoted.safetensors"),
                "{a:{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", RawFiles.floats(1f));
        fails(unquoted, null, "malformed JSON header");
        Path trailing = RawFiles.write(dir.resolve("trailing.safetensors"),
                "{" + RawFiles.entry("a", "F32", "[1]", 0, 4) + "} x", RawFiles.floats(1f));
        fails(trailing, null, "malformed JSON header");
        Path notObject = RawFiles.write(dir.resolve("array.safetensors"), "[1, 2]", new byte[0]);
        fails(notObject, null, "not a JSON object");
        Path badShape = RawFiles.write(dir.resolve("shape.safetensors"),
                "{" + RawFiles.entry("w", "F32", "[1.5]", 0, 4) + "}", RawFiles.floats(1f));
        fails(badShape, "w", "shape must hold integers");
        Path missingKey = RawFiles.write(dir.resolve("nokey.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", RawFiles.floats(1f));
        fails(missingKey, "w", "needs dtype, shape and data_offsets");
        Path badMeta = RawFiles.write(dir.resolve("meta.safetensors"),
                "{\"__metadata__\":{\"n\":1}," + RawFiles.entry("w", "F32", "[1]", 0, 4) + "}", RawFiles.floats(1f));
        fails(badMeta, "__metadata__", "must be a string");
    }

    @Test
    void unknownDtype() throws IOException {
        Path f = RawFiles.write(dir.resolve("dtype.safetensors"),
                "{" + RawFiles.entry("ok", "F32", "[1]", 0, 4) + "," + RawFiles.entry("q", "Q4_K", "[2]", 4, 5) + "}",
                new byte[5]);
        fails(f, "q", "unknown dtype 'Q4_K'");
    }

    @Test
    void offsetsOutsideDataSection() throws IOException {
        Path f = RawFiles.write(dir.resolve("out.safetensors"),
                "{" + RawFiles.entry("w", "F32", "[100]", 0, 400) + "}", RawFiles.floats(1f, 2f));
        fails(f, "w", "lie outside the data section of 8 bytes");
        Path reversed = RawFiles.write(dir.resolve("rev.safetensors"),
                "{" + RawFiles.entry("w", "F32", "[1]", 8, 4) + "}", new byte[8]);
        fails(reversed, "w", "lie outside the data section");
        Path negative = RawFiles.write(dir.resolve("negoff.safetensors"),
                "{" + RawFiles.entry("w", "F32", "[1]", -4, 0) + "}", new byte[8]);
        fails(negative, "w", "lie outside the data section");
    }

    @Test
    void overlappingTensors() throws IOException {
        Path f = RawFiles.write(dir.resolve("overlap.safetensors"),
                "{" + RawFiles.entry("a", "F32", "[2]", 0, 8) + "," + RawFiles.entry("b", "F32", "[2]", 4, 12) + "}",
                new byte[12]);
        SafetensorsException e = fails(f, "b", "overlaps tensor 'a'");
        assertTrue(e.getMessage().contains("[4, 12)"), e.getMessage());
        // an empty tensor in between must not hide the overlap of its neighbours
        Path g = RawFiles.write(dir.resolve("overlap2.safetensors"),
                "{" + RawFiles.entry("big", "F32", "[4]", 0, 16) + "," + RawFiles.entry("empty", "F32", "[0]", 4, 4)
                        + "," + RawFiles.entry("inner", "F32", "[1]", 8, 12) + "}", new byte[16]);
        fails(g, "inner", "overlaps tensor 'big'");
    }

    @Test
    void byteLengthNotDtypeSizeTimesShape() throws IOException {
        Path f = RawFiles.write(dir.resolve("len.safetensors"),
                "{" + RawFiles.entry("w", "F32", "[3]", 0, 8) + "}", new byte[12]);
        fails(f, "w", "byte length 8 != F32 size 4 x 3 elements");
        Path overflow = RawFiles.write(dir.resolve("overflow.safetensors"),
                "{" + RawFiles.entry("w", "F32", "[4611686018427387904, 4]", 0, 8) + "}", new byte[8]);
        fails(overflow, "w", "more elements than a long can count");
    }

    @Test
    void duplicateNamesInOneHeader() throws IOException {
        // a tree parser keeps the last entry silently; the streaming parser sees both
        Path f = RawFiles.write(dir.resolve("dup.safetensors"),
                "{" + RawFiles.entry("w", "F32", "[1]", 0, 4) + "," + RawFiles.entry("w", "F32", "[1]", 4, 8) + "}",
                new byte[8]);
        fails(f, "w", "duplicate tensor name");
    }

    @Test
    void validFileWithGapsAndEmptyTensorsOpens() throws IOException {
        Path f = RawFiles.write(dir.resolve("ok.safetensors"),
                "{\"__metadata__\":{\"format\":\"pt\"}," + RawFiles.entry("a", "F32", "[1]", 0, 4) + ","
                        + RawFiles.entry("e", "F32", "[0, 3]", 4, 4) + "," + RawFiles.entry("b", "F32", "[]", 8, 12)
                        + "}   ", RawFiles.floats(1f, 0f, 3f));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertEquals(java.util.List.of("a", "e", "b"), java.util.List.copyOf(s.names()));
            assertEquals("pt", s.metadata().get("format"));
            // data section = the last 12 bytes; b starts 8 bytes into it (a gap of 4 after a)
            assertEquals(Files.size(f) - 12 + 8, s.info("b").offset());
            assertEquals(new ai.djl.ndarray.types.Shape(), s.info("b").shape());
            assertTrue(assertThrows(java.util.NoSuchElementException.class, () -> s.info("zzz")).getMessage()
                    .contains("'zzz'"));
        }
    }

    // ---------------------------------------------------------------- sharded

    private Path shard(String name, String... tensors) throws IOException {
        StringBuilder h = new StringBuilder("{");
        for (int i = 0; i < tensors.length; i++) {
            h.append(i == 0 ? "" : ",").append(RawFiles.entry(tensors[i], "F32", "[1]", 4L * i, 4L * i + 4));
        }
        return RawFiles.write(dir.resolve(name), h.append('}').toString(), new byte[4 * tensors.length]);
    }

    private Path index(String weightMapJson) throws IOException {
        return Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"metadata\":{\"total_size\":8},\"weight_map\":" + weightMapJson + "}");
    }

    private static SafetensorsException shardedFails(Path file, Path blamed, @Nullable String tensor, String part) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(file).close());
        assertEquals(blamed, e.file(), e.getMessage());
        assertEquals(tensor, e.tensor(), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
        return e;
    }

    @Test
    void shardNamedInIndexButMissing() throws IOException {
        shard("m-00001-of-00002.safetensors", "a");
        Path idx = index("{\"a\":\"m-00001-of-00002.safetensors\",\"b\":\"m-00002-of-00002.safetensors\"}");
        shardedFails(idx, idx, "b", "shard file 'm-00002-of-00002.safetensors' named in the index is missing");
    }

    @Test
    void duplicateNamesAcrossShards() throws IOException {
        shard("m-00001-of-00002.safetensors", "a", "b");
        Path second = shard("m-00002-of-00002.safetensors", "b", "c");
        Path idx = index("{\"a\":\"m-00001-of-00002.safetensors\",\"b\":\"m-00001-of-00002.safetensors\","
                + "\"c\":\"m-00002-of-00002.safetensors\"}");
        SafetensorsException e = shardedFails(idx, second, "b", "duplicate tensor name: also in");
        assertTrue(e.getMessage().contains("m-00001-of-00002.safetensors"), e.getMessage());
    }

    @Test
    void duplicateNamesInTheWeightMap() throws IOException {
        shard("m-00001-of-00001.safetensors", "a");
        Path idx = index("{\"a\":\"m-00001-of-00001.safetensors\",\"a\":\"m-00001-of-00001.safetensors\"}");
        shardedFails(idx, idx, "a", "duplicate tensor name in weight_map");
    }

    @Test
    void indexAndShardsDisagree() throws IOException {
        Path only = shard("m-00001-of-00001.safetensors", "a", "extra");
        Path idx = index("{\"a\":\"m-00001-of-00001.safetensors\",\"ghost\":\"m-00001-of-00001.safetensors\"}");
        shardedFails(idx, only, "ghost", "the shard does not contain it");
        index("{\"a\":\"m-00001-of-00001.safetensors\"}");
        shardedFails(idx, only, "extra", "does not list it");
        index("{\"a\":3}");
        shardedFails(idx, idx, "a", "must be a shard file name");
        index("{\"a\":\"../m-00001-of-00001.safetensors\"}");
        shardedFails(idx, idx, "a", "is not a file name in the index's folder");
        Files.writeString(idx, "{\"metadata\":{}}");
        shardedFails(idx, idx, null, "no \"weight_map\"");
        Files.writeString(idx, "{\"weight_map\":{\"a\":\"m-00001-of-00001.safetensors\"}");
        shardedFails(idx, idx, null, "malformed index JSON");
    }

    @Test
    void malformedShardIsReportedWithItsOwnName() throws IOException {
        Path bad = RawFiles.write(dir.resolve("m-00001-of-00001.safetensors"),
                "{" + RawFiles.entry("a", "F32", "[3]", 0, 8) + "}", new byte[8]);
        Path idx = index("{\"a\":\"m-00001-of-00001.safetensors\"}");
        shardedFails(idx, bad, "a", "byte length 8 != F32");
    }
}
