package io.hunyuan4j.core.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loading: exact bf16 widening from files, the chunked path, files beyond 4 GiB, refused DJL types. */
class TensorReaderTest extends ManagerTest {

    private Path allBf16Patterns() throws IOException {
        short[] all = new short[65536];
        for (int b = 0; b < all.length; b++) {
            all[b] = (short) b;
        }
        // written raw: the writer would canonicalise NaN patterns
        return RawFiles.write(dir.resolve("bf16.safetensors"),
                "{" + RawFiles.entry("all", "BF16", "[256, 256]", 0, 131072) + "}", RawFiles.shorts(all));
    }

    private static void assertWidenedExactly(NDArray a) {
        assertEquals(DataType.FLOAT32, a.getDataType());
        assertEquals(new Shape(256, 256), a.getShape());
        ByteBuffer raw = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int nan = 0;
        for (int b = 0; b < 65536; b++) {
            int got = raw.getInt(4 * b);
            if ((b & 0x7F80) == 0x7F80 && (b & 0x7F) != 0) {
                assertTrue(Float.isNaN(Float.intBitsToFloat(got)), "NaN pattern " + Integer.toHexString(b));
                nan++;
            } else {
                assertEquals(b << 16, got, "pattern " + Integer.toHexString(b));
            }
        }
        assertEquals(2 * 127, nan);
    }

    @Test
    void bf16WideningOverAll65536PatternsFromAFile() throws IOException {
        Path f = allBf16Patterns();
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertWidenedExactly(s.load("all", manager, DataType.FLOAT32));
        }
        // the same through many small views: in-place widening per chunk
        try (SafetensorsFile s = SafetensorsFile.open(f, 4096 + 12)) {
            assertWidenedExactly(s.load("all", manager, DataType.FLOAT32));
        }
    }

    @Test
    void tensorsLargerThanTheChunkLoadInChunks() {
        float[] v = new float[301 * 37];
        long[] ints = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i) * 100f;
            ints[i] = (i * 7919L) % 65536 - 32768;
        }
        Path f = new SafetensorsWriter()
                .add("f32", v, DType.F32, 301, 37)
                .add("bf16", v, DType.BF16, 301, 37)
                .add("f16", v, DType.F16, v.length)
                .add("i16", ints, DType.I16, 37, 301)
                .add("i64", ints, DType.I64, 301, 37)
                .write(dir.resolve("chunks.safetensors"));
        try (SafetensorsFile whole = SafetensorsFile.open(f); SafetensorsFile chunked = SafetensorsFile.open(f, 1000)) {
            for (String name : whole.names()) {
                TensorInfo t = whole.info(name);
                assertTrue(t.size() * 4 > 10 * 1000, name + " spans many chunks");
                DataType as = t.dtype().isFloating() ? DataType.FLOAT32 : DataType.INT64;
                NDArray a = whole.load(name, manager, as);
                NDArray b = chunked.load(name, manager, as);
                assertEquals(t.shape(), b.getShape(), name);
                if (as == DataType.FLOAT32) {
                    assertArrayEquals(a.toFloatArray(), b.toFloatArray(), name);
                } else {
                    assertArrayEquals(a.toLongArray(), b.toLongArray(), name);
                    assertArrayEquals(ints, b.toLongArray(), name);
                }
            }
            assertArrayEquals(v, chunked.load("f32", manager, DataType.FLOAT32).toFloatArray());
            float[] bf = chunked.load("bf16", manager, DataType.FLOAT32).toFloatArray();
            for (int i = 0; i < v.length; i++) {
                assertEquals(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(v[i])), bf[i], "bf16 " + i);
            }
        }
    }

    /**
     * A tensor stored 20 GiB into a shard, past every 32-bit offset: the file is sparse (a 20 GiB filler tensor
     * that is never read, then the tensors, written with a positional write), so the test is fast and small on
     * disk. Loading reads only the far tensors' bytes.
     */
    @Test
    void tensorBeyondFourGibLoads() throws IOException {
        long pad = (20L << 30) + 6;         // 20 GiB + 6: the tensor starts at an odd, unaligned offset
        float[] v = {1f, -2.5f, 3.25f, 1e-3f, -7f, 65504f};
        short[] bf = new short[v.length];
        for (int i = 0; i < v.length; i++) {
            bf[i] = HalfFloats.floatToBf16(v[i]);
        }
        String header = "{" + RawFiles.entry("pad", "U8", "[" + pad + "]", 0, pad) + ","
                + RawFiles.entry("far.weight", "BF16", "[2, 3]", pad, pad + 12) + ","
                + RawFiles.entry("far.bias", "F32", "[6]", pad + 12, pad + 36) + "}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path f = RawFiles.write(dir.resolve("sparse.safetensors"), h.length, h, new byte[0]);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ByteBuffer data = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN)
                    .put(RawFiles.shorts(bf)).put(RawFiles.floats(v)).flip();
            ch.write(data, 8 + h.length + pad);
        }
        assertTrue(Files.size(f) > (20L << 30));
        for (long chunk : new long[] {TensorReader.DEFAULT_CHUNK_BYTES, 8}) {
            try (SafetensorsFile s = SafetensorsFile.open(f, chunk)) {
                TensorInfo far = s.info("far.weight");
                assertTrue(far.offset() > (20L << 30), "offset " + far.offset());
                assertEquals(pad, s.info("pad").size());
                NDArray w = s.load("far.weight", manager, DataType.FLOAT32);
                assertEquals(new Shape(2, 3), w.getShape());
                for (int i = 0; i < v.length; i++) {
                    assertEquals(HalfFloats.bf16ToFloat(bf[i]), w.toFloatArray()[i], "far.weight " + i);
                }
                assertArrayEquals(v, s.load("far.bias", manager, DataType.FLOAT32).toFloatArray());
            }
        }
    }

    @Test
    void djlTypesThatAbortTheJvmAreRefusedWithAClearException() {
        float[] v = {1f, 2f};
        Path f = new SafetensorsWriter().add("w", v, DType.BF16, 2).write(dir.resolve("t.safetensors"));
        InMemoryTensors mem = InMemoryTensors.builder().put("w", v, DType.BF16, 2).build();
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            for (TensorSource src : List.of(s, mem)) {
                for (DataType t : List.of(DataType.BFLOAT16, DataType.INT16, DataType.UINT16, DataType.UNKNOWN,
                        DataType.UINT32, DataType.UINT64, DataType.STRING, DataType.COMPLEX64)) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> src.load("w", manager, t));
                    assertTrue(e.getMessage().contains("[w]") && e.getMessage().contains("cannot load as " + t)
                            && e.getMessage().contains("supported: FLOAT32"), e.getMessage());
                }
            }
            // through a binding: the loader's request fails at bind time, not in native code
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StateDict.load(s, manager, LoadMode.EAGER,
                            (src, name, m) -> src.load(name, m, DataType.BFLOAT16), "t/").take("w", 2));
            assertTrue(e.getMessage().contains("BFLOAT16"), e.getMessage());
        }
        // the JVM is alive and the data loads as float32
        assertArrayEquals(v, mem.load("w", manager, DataType.FLOAT32).toFloatArray());
    }

    private static TensorReader.RawBytes over(byte[] bytes) {
        return (dst, offset) -> dst.put(bytes, (int) offset, Math.min(dst.remaining(), bytes.length - (int) offset));
    }

    @Test
    void largeTensorsFilledByHelperThreadsEqualTheCallerAlone() {
        int n = 2 * TensorReader.PARALLEL_BLOCK + 12345;
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        byte[] raw = new byte[2 * n];
        r.nextBytes(raw);
        ByteBuffer rb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (String dtype : List.of("BF16", "I16", "F16")) {
            TensorInfo info = new TensorInfo("big", DType.parse(dtype), new Shape(n), Path.of("mem"), 0, 2L * n);
            DataType as = dtype.equals("I16") ? DataType.INT32 : dtype.equals("F16") ? DataType.FLOAT16
                    : DataType.FLOAT32;
            for (int threads : new int[] {1, 4}) {
                for (long chunk : new long[] {TensorReader.DEFAULT_CHUNK_BYTES, 3_000_002}) {
                    try (NDArray a = TensorReader.read(over(raw), info, manager, as, chunk, threads)) {
                        ByteBuffer got = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                        String what = dtype + " threads=" + threads + " chunk=" + chunk;
                        for (int i = 0; i < n; i++) {
                            short bits = rb.getShort(2 * i);
                            if (dtype.equals("F16")) {
                                assertEquals(bits, got.getShort(2 * i), what + " element " + i);
                            } else if (dtype.equals("I16")) {
                                assertEquals(bits, got.getInt(4 * i), what + " element " + i);
                            } else if (!Float.isNaN(HalfFloats.bf16ToFloat(bits))) {
                                assertEquals(bits << 16, got.getInt(4 * i), what + " element " + i);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aFailingBlockFailsTheLoadAndFreesTheArray() {
        int n = 3 * TensorReader.PARALLEL_BLOCK;
        TensorInfo info = new TensorInfo("big", DType.BF16, new Shape(n), Path.of("mem"), 0, 2L * n);
        TensorReader.RawBytes failing = (dst, offset) -> {
            if (offset >= 2L * TensorReader.PARALLEL_BLOCK) {
                throw new IOException("disk on fire at " + offset);
            }
            dst.position(dst.limit());
        };
        try (NDManager sub = manager.newSubManager()) {
            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                    () -> TensorReader.read(failing, info, sub, DataType.FLOAT32, TensorReader.DEFAULT_CHUNK_BYTES, 4));
            assertTrue(e.getMessage().contains("big") && e.getCause().getMessage().contains("disk on fire"),
                    e.getMessage());
            assertEquals(0, sub.getManagedArrays().size(), "the half-filled array was closed");
        }
    }

    @Test
    void truncatedWhileOpenIsAnIoErrorNotGarbage() throws IOException {
        Path f = new SafetensorsWriter().add("w", new float[1000], DType.F32, 1000).write(dir.resolve("cut.safetensors"));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.truncate(Files.size(f) - 100);
            }
            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                    () -> s.load("w", manager, DataType.FLOAT32));
            assertTrue(e.getCause().getMessage().contains("ended 100 bytes early"), e.getCause().getMessage());
        }
    }
}
