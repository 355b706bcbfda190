package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Writes named tensors as safetensors: one file, or a sharded checkpoint in the diffusers layout. Tensors are
 * declared first and their data is produced while writing, through a small staging buffer, so a file of any
 * size is written without holding it in memory (a {@link FloatFill} can generate values on the fly).
 *
 * <pre>{@code
 * new SafetensorsWriter()
 *         .metadata("format", "pt")
 *         .add("proj.weight", weights, DType.BF16, 3072, 3072)
 *         .add("proj.bias", bias, DType.F32, 3072)
 *         .write(dir.resolve("diffusion_pytorch_model.safetensors"));
 * }</pre>
 *
 * <p>Layout follows the reference writer: the JSON header is compact, starts with {@code __metadata__}, lists
 * tensors in data order, and is padded with spaces so the data section starts at a multiple of 8; tensors are
 * ordered as the reference orders them (by dtype, widest first, then by name), so every tensor is aligned to
 * its element size.
 * Float values are narrowed to BF16 and F16 by rounding to nearest, ties to even, like torch
 * ({@link HalfFloats}). Files are written to a temporary name and moved into place.
 *
 * @see <a href="https://github.com/huggingface/safetensors/blob/main/safetensors/src/tensor.rs">safetensors
 *     serialize</a>
 */
public final class SafetensorsWriter {

    /** Produces the values of elements {@code [start, start + count)} (row-major) into {@code dst[0..count)}. */
    @FunctionalInterface
    public interface FloatFill {
        /** Fills {@code dst[0..count)}. */
        void fill(long start, float[] dst, int count);
    }

    /** Bytes staged between the value source and the file. */
    private static final int STAGING_BYTES = 1 << 20;

    /** The reference writer's order: descending {@code Dtype} enum order of safetensors' tensor.rs. */
    private static final List<DType> REFERENCE_ORDER = List.of(DType.I64, DType.F64, DType.F32, DType.I32,
            DType.BF16, DType.F16, DType.I16, DType.F8_E4M3, DType.F8_E5M2, DType.I8, DType.U8, DType.BOOL);

    private final Map<String, Pending> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** An empty writer. */
    public SafetensorsWriter() {
        // tensors are added with add(...)
    }

    /** Adds a {@code __metadata__} entry (written to every shard), e.g. {@code ("format", "pt")}. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /**
     * Adds a floating tensor from float32 values.
     *
     * @param values row-major, {@code product(shape)} of them; read when writing, so do not change them before
     * @param dtype F32, F64, F16 or BF16 (narrowing rounds to nearest even)
     */
    public SafetensorsWriter add(String name, float[] values, DType dtype, long... shape) {
        ElementCodec.requireFloating(name, dtype);
        requireCount(name, values.length, shape);
        return put(new Pending(name, dtype, shape.clone(), (start, dst, count) ->
                System.arraycopy(values, Math.toIntExact(start), dst, 0, count), null, null));
    }

    /**
     * Adds an integer or boolean tensor.
     *
     * @param values row-major; each must fit {@code dtype} (BOOL takes 0 or 1); read when writing
     * @param dtype I64, I32, I16, I8, U8 or BOOL
     */
    public SafetensorsWriter add(String name, long[] values, DType dtype, long... shape) {
        ElementCodec.requireIntegral(name, dtype);
        requireCount(name, values.length, shape);
        ElementCodec.putLongs(name, dtype, values, 0, values.length,
                ByteBuffer.allocate(values.length * dtype.byteSize()));
        return put(new Pending(name, dtype, shape.clone(), null, (start, dst, count) ->
                System.arraycopy(values, Math.toIntExact(start), dst, 0, count), null));
    }

    /**
     * Adds a floating tensor whose values are generated while writing: the way to write tensors larger than
     * the heap.
     */
    public SafetensorsWriter add(String name, FloatFill values, DType dtype, long... shape) {
        ElementCodec.requireFloating(name, dtype);
        elementCount(name, shape);
        return put(new Pending(name, dtype, shape.clone(), values, null, null));
    }

    /**
     * Adds an array's values, read when writing (keep it open until then). Floating arrays (including bf16
     * arrays that DJL reports as UNKNOWN) are read as float32, integer and boolean arrays as int64.
     *
     * @param dtype the stored dtype: floating for floating arrays, integer or BOOL for the others
     */
    public SafetensorsWriter add(String name, NDArray array, DType dtype) {
        long[] shape = array.getShape().getShape();
        DataType t = array.getDataType();
        boolean floating = t.isFloating() || t == DataType.UNKNOWN;
        if (floating) {
            ElementCodec.requireFloating(name, dtype);
            return put(new Pending(name, dtype, shape, (start, dst, count) -> {
                try (NDArray part = slice(array, start, count); NDArray f = part.toType(DataType.FLOAT32, true)) {
                    System.arraycopy(f.toFloatArray(), 0, dst, 0, count);
                }
            }, null, null));
        }
        ElementCodec.requireIntegral(name, dtype);
        return put(new Pending(name, dtype, shape, null, (start, dst, count) -> {
            try (NDArray part = slice(array, start, count); NDArray l = part.toType(DataType.INT64, true)) {
                System.arraycopy(l.toLongArray(), 0, dst, 0, count);
            }
        }, null));
    }

    /**
     * Adds every tensor of {@code source} with its stored dtype and bytes (no conversion), read when writing:
     * keep the source open until then. Use it to write an {@link InMemoryTensors} model to disk, or to re-shard
     * a checkpoint.
     *
     * @param source a {@link SafetensorsFile}, {@link ShardedSafetensors} or {@link InMemoryTensors}
     * @throws IllegalArgumentException for another implementation, which cannot hand out stored bytes
     */
    public SafetensorsWriter addAll(TensorSource source) {
        if (!(source instanceof RawSource raw)) {
            throw new IllegalArgumentException("cannot copy stored bytes from " + source.getClass().getName()
                    + "; supported: SafetensorsFile, ShardedSafetensors, InMemoryTensors");
        }
        for (String n : source.names()) {
            TensorInfo info = source.info(n);
            put(new Pending(n, info.dtype(), info.shape().getShape(), null, null, raw));
        }
        return this;
    }

    /** Bytes of tensor data declared so far (the index's {@code metadata.total_size}). */
    public long totalBytes() {
        long sum = 0;
        for (Pending p : tensors.values()) {
            sum += p.byteLength();
        }
        return sum;
    }

    /**
     * Writes every tensor to one file.
     *
     * @return {@code file}
     * @throws UncheckedIOException if writing fails (no partial file is left at {@code file})
     */
    public Path write(Path file) {
        writeFile(file, new ArrayList<>(tensors.values()));
        return file;
    }

    /**
     * Writes a sharded checkpoint in the diffusers layout: {@code <prefix>-0000k-of-0000n.safetensors} and
     * {@code <prefix>.safetensors.index.json} ({@code metadata.total_size} and a sorted {@code weight_map}),
     * e.g. prefix {@code diffusion_pytorch_model}. Tensors fill shards in the order they were added; a shard is
     * closed when the next tensor would take it past {@code maxShardBytes}, and a tensor larger than that gets
     * a shard of its own (the reference splitter's rule). An index is written even for a single shard.
     *
     * @return the index file
     */
    public Path writeSharded(Path dir, String prefix, long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes " + maxShardBytes + " must be positive");
        }
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("nothing to write: add tensors first");
        }
        List<List<Pending>> shards = new ArrayList<>();
        List<Pending> current = new ArrayList<>();
        long size = 0;
        for (Pending p : tensors.values()) {
            if (!current.isEmpty() && size + p.byteLength() > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(p);
            size += p.byteLength();
        }
        shards.add(current);
        Map<String, String> weightMap = new TreeMap<>();
        for (int k = 0; k < shards.size(); k++) {
            String fileName = String.format("%s-%05d-of-%05d.safetensors", prefix, k + 1, shards.size());
            writeFile(dir.resolve(fileName), shards.get(k));
            for (Pending p : shards.get(k)) {
                weightMap.put(p.name, fileName);
            }
        }
        Path index = dir.resolve(prefix + ".safetensors.index.json");
        writeIndex(index, totalBytes(), weightMap);
        return index;
    }

    private SafetensorsWriter put(Pending p) {
        if (p.name.isEmpty() || p.name.equals("__metadata__")) {
            throw new IllegalArgumentException("tensor name '" + p.name + "' is reserved or empty");
        }
        if (tensors.containsKey(p.name)) {
            throw new IllegalArgumentException("tensor '" + p.name + "' was already added");
        }
        tensors.put(p.name, p);
        return this;
    }

    private static NDArray slice(NDArray array, long start, int count) {
        try (NDArray flat = array.reshape(-1)) {
            return flat.get(new NDIndex().addSliceDim(start, start + count));
        }
    }

    private static long elementCount(String name, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape "
                        + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static void requireCount(String name, int values, long[] shape) {
        long n = elementCount(name, shape);
        if (n != values) {
            throw new IllegalArgumentException("tensor '" + name + "': " + values + " values do not fill shape "
                    + Arrays.toString(shape) + " (" + n + " elements)");
        }
    }

    private void writeFile(Path file, List<Pending> list) {
        List<Pending> ordered = new ArrayList<>(list);
        // the reference orders by dtype, widest first, then by name: with an 8-aligned data section every
        // tensor then starts at a multiple of its element size
        ordered.sort(Comparator.comparingInt((Pending p) -> REFERENCE_ORDER.indexOf(p.dtype))
                .thenComparing(p -> p.name));
        byte[] header = header(ordered);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer staging = ByteBuffer.allocateDirect(STAGING_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                staging.putLong(header.length);
                int h = 0;
                while (h < header.length) {
                    int n = Math.min(staging.remaining(), header.length - h);
                    staging.put(header, h, n);
                    h += n;
                    if (!staging.hasRemaining()) {
                        drain(ch, staging);
                    }
                }
                for (Pending p : ordered) {
                    p.writeData(ch, staging);
                }
                drain(ch, staging);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write " + file, e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    private byte[] header(List<Pending> ordered) {
        StringWriter sw = new StringWriter();
        try (JsonWriter w = new JsonWriter(sw)) {
            w.beginObject();
            if (!metadata.isEmpty()) {
                w.name("__metadata__").beginObject();
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    w.name(m.getKey()).value(m.getValue());
                }
                w.endObject();
            }
            long offset = 0;
            for (Pending p : ordered) {
                w.name(p.name).beginObject();
                w.name("dtype").value(p.dtype.name());
                w.name("shape").beginArray();
                for (long d : p.shape) {
                    w.value(d);
                }
                w.endArray();
                w.name("data_offsets").beginArray().value(offset).value(offset + p.byteLength()).endArray();
                w.endObject();
                offset += p.byteLength();
            }
            w.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] json = sw.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeIndex(Path index, long totalSize, Map<String, String> weightMap) {
        StringWriter sw = new StringWriter();
        try (JsonWriter w = new JsonWriter(sw)) {
            w.setIndent("  ");
            w.beginObject();
            w.name("metadata").beginObject().name("total_size").value(totalSize).endObject();
            w.name("weight_map").beginObject();
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                w.name(e.getKey()).value(e.getValue());
            }
            w.endObject();
            w.endObject();
            Files.writeString(index, sw + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + index, e);
        }
    }

    private static void drain(FileChannel ch, ByteBuffer staging) throws IOException {
        staging.flip();
        while (staging.hasRemaining()) {
            ch.write(staging);
        }
        staging.clear();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the original failure is the one to report
        }
    }

    /** Produces {@code count} long values starting at element {@code start}. */
    @FunctionalInterface
    private interface LongFill {
        void fill(long start, long[] dst, int count);
    }

    /** One declared tensor; exactly one of the three value sources is set. */
    private static final class Pending {
        final String name;
        final DType dtype;
        final long[] shape;
        final long count;
        final @Nullable FloatFill floats;
        final @Nullable LongFill longs;
        final @Nullable RawSource raw;

        Pending(String name, DType dtype, long[] shape, @Nullable FloatFill floats, @Nullable LongFill longs,
                @Nullable RawSource raw) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.count = elementCount(name, shape);
            this.floats = floats;
            this.longs = longs;
            this.raw = raw;
        }

        long byteLength() {
            return Math.multiplyExact(count, (long) dtype.byteSize());
        }

        void writeData(FileChannel ch, ByteBuffer staging) throws IOException {
            int size = dtype.byteSize();
            RawSource source = raw;
            if (source != null) {
                long total = byteLength();
                for (long done = 0; done < total; ) {
                    if (!staging.hasRemaining()) {
                        drain(ch, staging);
                    }
                    int n = (int) Math.min(staging.remaining(), total - done);
                    ByteBuffer part = staging.slice(staging.position(), n);
                    source.readRaw(name, part, done);
                    if (part.hasRemaining()) {
                        throw new IOException("tensor '" + name + "': source ended " + part.remaining()
                                + " bytes early");
                    }
                    staging.position(staging.position() + n);
                    done += n;
                }
                return;
            }
            int block = STAGING_BYTES / 8;
            FloatFill f = floats;
            LongFill l = longs;
            float[] fbuf = new float[f != null ? (int) Math.min(block, count) : 0];
            long[] lbuf = new long[l != null ? (int) Math.min(block, count) : 0];
            for (long start = 0; start < count; start += block) {
                int n = (int) Math.min(block, count - start);
                if (staging.remaining() < n * size) {
                    drain(ch, staging);
                }
                if (f != null) {
                    f.fill(start, fbuf, n);
                    ElementCodec.putFloats(dtype, fbuf, 0, n, staging);
                } else if (l != null) {
                    l.fill(start, lbuf, n);
                    ElementCodec.putLongs(name, dtype, lbuf, 0, n, staging);
                }
            }
        }
    }
}
