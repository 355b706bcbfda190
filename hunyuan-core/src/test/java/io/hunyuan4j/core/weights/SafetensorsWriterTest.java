package io.hunyuan4j.core.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.GoldenFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Writer and reader together: every dtype round-trips, the layout is the reference's, shards index right. */
class SafetensorsWriterTest extends ManagerTest {

    private static float[] samples(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        float[] specials = {0f, -0f, 1f, -1f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 65504f, 65520f, 1e-8f, 3.14159265f};
        for (int i = 0; i < n; i++) {
            v[i] = i < specials.length ? specials[i] : Float.intBitsToFloat(r.nextInt());
        }
        return v;
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            // NaN payloads are not part of the contract: compare NaN as the canonical NaN
            out[i] = Float.isNaN(v[i]) ? 0x7FC00000 : Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    private static short[] rawShorts(NDArray a) {
        ByteBuffer b = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        short[] out = new short[b.remaining() / 2];
        b.asShortBuffer().get(out);
        return out;
    }

    @Test
    void floatingDtypesRoundTrip() {
        float[] v = samples(3 * 1000, 1);
        Path f = new SafetensorsWriter().metadata("format", "pt")
                .add("f32", v, DType.F32, 3, 1000)
                .add("f64", v, DType.F64, 3, 1000)
                .add("f16", v, DType.F16, 3, 10, 100)
                .add("bf16", v, DType.BF16, 3000)
                .write(dir.resolve("float.safetensors"));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertEquals("pt", s.metadata().get("format"));
            assertEquals(new Shape(3, 10, 100), s.info("f16").shape());
            assertEquals(DType.F16, s.info("f16").dtype());

            assertArrayEquals(bits(v), bits(s.load("f32", manager, DataType.FLOAT32).toFloatArray()));
            NDArray f64 = s.load("f64", manager, DataType.FLOAT64);
            assertEquals(DataType.FLOAT64, f64.getDataType());
            double[] d = f64.toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                assertTrue(Float.isNaN(v[i]) ? Double.isNaN(d[i]) : d[i] == v[i], "f64 element " + i);
            }
            assertArrayEquals(bits(v), bits(s.load("f64", manager, DataType.FLOAT32).toFloatArray()));

            // F16: stored bits are HalfFloats' rounding; torch widens them to exactly HalfFloats.f16ToFloat
            short[] f16 = rawShorts(s.load("f16", manager, DataType.FLOAT16));
            float[] f16as32 = s.load("f16", manager, DataType.FLOAT32).toFloatArray();
            for (int i = 0; i < v.length; i++) {
                assertEquals(HalfFloats.floatToF16(v[i]), f16[i], "f16 element " + i);
                assertEquals(bits(new float[] {HalfFloats.f16ToFloat(f16[i])})[0], bits(new float[] {f16as32[i]})[0],
                        "f16->f32 element " + i);
            }

            // BF16: widened exactly; as FLOAT16 the raw bits arrive untouched
            short[] bf16 = rawShorts(s.load("bf16", manager, DataType.FLOAT16));
            float[] bf16as32 = s.load("bf16", manager, DataType.FLOAT32).toFloatArray();
            for (int i = 0; i < v.length; i++) {
                assertEquals(HalfFloats.floatToBf16(v[i]), bf16[i], "bf16 element " + i);
                assertEquals(bf16[i] << 16, Float.floatToRawIntBits(bf16as32[i]), "bf16->f32 element " + i);
            }
        }
    }

    @Test
    void integerAndBoolDtypesRoundTrip() {
        long[] i64 = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 42};
        long[] i32 = {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE, 7};
        long[] i16 = {Short.MIN_VALUE, -1, 0, 1, Short.MAX_VALUE, 300};
        long[] i8 = {-128, -1, 0, 1, 127, 5};
        long[] u8 = {0, 1, 127, 128, 200, 255};
        long[] bool = {0, 1, 1, 0, 0, 1};
        Path f = new SafetensorsWriter()
                .add("i64", i64, DType.I64, 2, 3).add("i32", i32, DType.I32, 6).add("i16", i16, DType.I16, 6)
                .add("i8", i8, DType.I8, 6).add("u8", u8, DType.U8, 3, 2).add("bool", bool, DType.BOOL, 6)
                .add("scalar", new long[] {9}, DType.I64).add("empty", new long[0], DType.I64, 0, 4)
                .write(dir.resolve("int.safetensors"));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            NDArray a = s.load("i64", manager, DataType.INT64);
            assertEquals(new Shape(2, 3), a.getShape());
            assertArrayEquals(i64, a.toLongArray());
            assertArrayEquals(i32, toLongs(s.load("i32", manager, DataType.INT32).toIntArray()));
            NDArray i16a = s.load("i16", manager, DataType.INT32);
            assertEquals(DataType.INT32, i16a.getDataType());
            assertArrayEquals(i16, toLongs(i16a.toIntArray()));
            assertArrayEquals(i8, s.load("i8", manager, DataType.INT64).toLongArray());
            NDArray u8a = s.load("u8", manager, DataType.UINT8);
            assertEquals(DataType.UINT8, u8a.getDataType());
            assertArrayEquals(u8, s.load("u8", manager, DataType.INT64).toLongArray());
            boolean[] b = s.load("bool", manager, DataType.BOOLEAN).toBooleanArray();
            for (int i = 0; i < b.length; i++) {
                assertEquals(bool[i] == 1, b[i], "bool element " + i);
            }
            NDArray scalar = s.load("scalar", manager, DataType.INT64);
            assertEquals(new Shape(), scalar.getShape());
            assertEquals(9L, scalar.getLong());
            NDArray empty = s.load("empty", manager, DataType.FLOAT32);
            assertEquals(new Shape(0, 4), empty.getShape());
            assertEquals(0, empty.size());
        }
    }

    private static long[] toLongs(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    @Test
    void layoutFollowsTheReferenceWriter() throws IOException {
        Path f = new SafetensorsWriter().metadata("format", "pt")
                .add("z.bool", new long[] {1}, DType.BOOL, 1)
                .add("b.bf16", new float[3], DType.BF16, 3)
                .add("a.f32", new float[1], DType.F32, 1)
                .add("c.i64", new long[] {5}, DType.I64, 1)
                .add("a.bf16", new float[1], DType.BF16, 1)
                .write(dir.resolve("layout.safetensors"));
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"c.i64\":{\"dtype\":\"I64\",\"shape\":[1],"
                + "\"data_offsets\":[0,8]},\"a.f32\":"), header);
        String json = header.stripTrailing();
        assertTrue(json.endsWith("}"), header);
        assertTrue(n - json.length() < 8 && header.substring(json.length()).isBlank(), "space padding only");
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            // I64, F32, then BF16 by name, then BOOL: each aligned to its element size
            assertEquals(List.of("c.i64", "a.f32", "a.bf16", "b.bf16", "z.bool"), List.copyOf(s.names()));
            for (String name : s.names()) {
                TensorInfo t = s.info(name);
                assertEquals(0, t.offset() % t.dtype().byteSize(), name + " aligned");
            }
            assertEquals(bytes.length, s.info("z.bool").offset() + 1, "no trailing bytes");
        }
    }

    @Test
    void goldenFixtureFilesLoadAndCopyExactly() throws IOException {
        // files written by the fixture generator (Python), not by this writer
        List<Path> files;
        try (Stream<Path> s = Files.walk(GoldenFiles.dir())) {
            files = s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "golden fixtures hold safetensors files");
        int checked = 0;
        for (Path original : files) {
            byte[] raw = Files.readAllBytes(original);
            Path copy = dir.resolve("copy.safetensors");
            try (SafetensorsFile src = SafetensorsFile.open(original)) {
                SafetensorsWriter w = new SafetensorsWriter();
                src.metadata().forEach(w::metadata);
                w.addAll(src).write(copy);
                try (SafetensorsFile back = SafetensorsFile.open(copy)) {
                    assertEquals(src.metadata(), back.metadata());
                    assertEquals(java.util.Set.copyOf(src.names()), java.util.Set.copyOf(back.names()));
                    for (String name : src.names()) {
                        TensorInfo t = src.info(name);
                        assertEquals(t.shape(), back.info(name).shape(), name);
                        if (t.dtype() != DType.F32) {
                            assertArrayEquals(src.load(name, manager, DataType.INT64).toLongArray(),
                                    back.load(name, manager, DataType.INT64).toLongArray(), original + " " + name);
                            continue;
                        }
                        // independent decode of the original bytes at the header's offsets
                        ByteBuffer b = ByteBuffer.wrap(raw, (int) t.offset(), (int) t.byteLength())
                                .order(ByteOrder.LITTLE_ENDIAN);
                        float[] expected = new float[(int) t.size()];
                        b.asFloatBuffer().get(expected);
                        assertArrayEquals(expected, src.load(name, manager, DataType.FLOAT32).toFloatArray(),
                                original + " " + name);
                        assertArrayEquals(expected, back.load(name, manager, DataType.FLOAT32).toFloatArray(),
                                "copy of " + original + " " + name);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 10, "checked " + checked + " float tensors");
    }

    @Test
    void ndArraysAndGeneratorsAreWritten() {
        float[] v = {1.5f, -2.25f, 3f, 4f, 5f, 6f};
        NDArray x = manager.create(v, new Shape(2, 3));
        NDArray ids = manager.create(new long[] {3, 1, 4}, new Shape(3));
        Path f = new SafetensorsWriter()
                .add("x", x, DType.BF16)
                .add("ids", ids, DType.I32)
                .add("gen", (start, dst, count) -> {
                    for (int i = 0; i < count; i++) {
                        dst[i] = start + i;
                    }
                }, DType.F32, 1000, 1000)
                .write(dir.resolve("nd.safetensors"));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertArrayEquals(v, s.load("x", manager, DataType.FLOAT32).toFloatArray());
            assertEquals(DType.I32, s.info("ids").dtype());
            assertArrayEquals(new long[] {3, 1, 4}, s.load("ids", manager, DataType.INT64).toLongArray());
            float[] gen = s.load("gen", manager, DataType.FLOAT32).toFloatArray();
            assertEquals(1_000_000, gen.length);
            assertEquals(999_999f, gen[999_999]);
            assertEquals(123_456f, gen[123_456]);
        }
    }

    @Test
    void writerRejectsBadInputNamingTheTensor() {
        SafetensorsWriter w = new SafetensorsWriter().add("a", new float[2], DType.F32, 2);
        assertThrows(IllegalArgumentException.class, () -> w.add("a", new float[2], DType.F32, 2));
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> w.add("b", new float[3], DType.F32, 2, 2));
        assertTrue(count.getMessage().contains("'b'") && count.getMessage().contains("[2, 2]"), count.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> w.add("c", new float[1], DType.I64, 1))
                .getMessage().contains("floating dtype"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> w.add("d", new long[] {256}, DType.U8, 1))
                .getMessage().contains("value 256 does not fit U8"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> w.add("e", new long[] {2}, DType.BOOL, 1))
                .getMessage().contains("does not fit BOOL"));
        assertThrows(IllegalArgumentException.class, () -> w.add("__metadata__", new float[1], DType.F32, 1));
    }

    @Test
    void shardedCheckpointInTheDiffusersLayout() throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        for (int i = 0; i < 5; i++) {
            float[] v = new float[256];
            java.util.Arrays.fill(v, i);
            w.add("blocks." + i + ".weight", v, DType.F32, 16, 16);   // 1 KiB each
        }
        w.add("huge", new float[1024], DType.F32, 1024);                 // 4 KiB: larger than a shard
        w.add("tail", new long[] {7}, DType.I64, 1);
        Path index = w.writeSharded(dir, "diffusion_pytorch_model", 2500);
        assertEquals(dir.resolve("diffusion_pytorch_model.safetensors.index.json"), index);
        // blocks 0,1 | 2,3 | 4 | huge | tail: 5 shards
        for (int k = 1; k <= 5; k++) {
            assertTrue(Files.isRegularFile(dir.resolve(String.format("diffusion_pytorch_model-%05d-of-00005.safetensors", k))));
        }
        JsonObject json = JsonParser.parseString(Files.readString(index)).getAsJsonObject();
        assertEquals(5 * 1024 + 4096 + 8, json.getAsJsonObject("metadata").get("total_size").getAsLong());
        JsonObject map = json.getAsJsonObject("weight_map");
        assertEquals("diffusion_pytorch_model-00002-of-00005.safetensors", map.get("blocks.3.weight").getAsString());
        assertEquals("diffusion_pytorch_model-00004-of-00005.safetensors", map.get("huge").getAsString());
        assertEquals(List.of("blocks.0.weight", "blocks.1.weight", "blocks.2.weight", "blocks.3.weight",
                "blocks.4.weight", "huge", "tail"), List.copyOf(map.keySet()), "weight_map sorted by name");

        try (TensorSource s = Checkpoints.open(dir)) {
            assertTrue(s instanceof ShardedSafetensors);
            assertEquals(7, s.names().size());
            assertEquals(4f, s.load("blocks.4.weight", manager, DataType.FLOAT32).getFloat(15, 15));
            assertEquals(7L, s.load("tail", manager, DataType.INT64).getLong(0));
            assertTrue(s.info("huge").file().endsWith("diffusion_pytorch_model-00004-of-00005.safetensors"));
            // re-shard into one file through the raw path: bytes unchanged
            Path single = new SafetensorsWriter().addAll(s).write(dir.resolve("one.safetensors"));
            try (SafetensorsFile one = SafetensorsFile.open(single)) {
                assertArrayEquals(s.load("blocks.2.weight", manager, DataType.FLOAT32).toFloatArray(),
                        one.load("blocks.2.weight", manager, DataType.FLOAT32).toFloatArray());
            }
        }
    }
}
