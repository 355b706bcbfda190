package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * One safetensors file, read lazily: the header is parsed and validated on open, a tensor's bytes are mapped
 * only when it is loaded. Offsets are {@code long} throughout, so files far beyond 2 GiB work; no read ever
 * pulls the whole file onto the Java heap.
 *
 * <p>Format: 8-byte little-endian header length N, N bytes of JSON, then the data section.
 *
 * @see <a href="https://github.com/huggingface/safetensors">safetensors</a>
 */
public final class SafetensorsFile implements TensorSource {

    /** Upper bound on the JSON header: safetensors itself refuses headers above 100 MB. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** Largest slice mapped or widened in one piece; bigger tensors are loaded in row chunks. */
    static final long MAX_CHUNK_BYTES = 1L << 30;

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Opens and validates a safetensors file.
     *
     * @throws SafetensorsException for any malformation (header length, JSON, dtype, offsets, overlap, size)
     * @throws java.io.UncheckedIOException if the file cannot be read
     */
    public static SafetensorsFile open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open " + file, e);
        }
        try {
            return parse(file, ch);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static SafetensorsFile parse(Path file, FileChannel ch) {
        long fileSize;
        ByteBuffer headerBytes;
        long n;
        try {
            fileSize = ch.size();
            if (fileSize < 8) {
                throw new SafetensorsException(file, null, "file is " + fileSize + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            n = len.flip().getLong();
            if (n < 2 || n > MAX_HEADER_BYTES) {
                throw new SafetensorsException(file, null,
                        "header length " + Long.toUnsignedString(n) + " is outside [2, " + MAX_HEADER_BYTES + "]");
            }
            if (8 + n > fileSize) {
                throw new SafetensorsException(file, null,
                        "header length " + n + " runs past the end of the file (" + fileSize + " bytes)");
            }
            headerBytes = ByteBuffer.allocate((int) n);
            readFully(ch, headerBytes, 8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
        String json = new String(headerBytes.array(), StandardCharsets.UTF_8);
        JsonObject root;
        try {
            JsonElement el = JsonParser.parseString(json);
            if (!el.isJsonObject()) {
                throw new SafetensorsException(file, null, "header is not a JSON object");
            }
            root = el.getAsJsonObject();
        } catch (RuntimeException e) {
            if (e instanceof SafetensorsException se) {
                throw se;
            }
            throw new SafetensorsException(file, null, "malformed JSON header: " + e.getMessage(), e);
        }
        long dataStart = 8 + n;
        long dataSize = fileSize - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        List<String> rangeNames = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : root.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (e.getValue().isJsonObject()) {
                    for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                        metadata.put(m.getKey(), m.getValue().isJsonPrimitive() ? m.getValue().getAsString() : m.getValue().toString());
                    }
                }
                continue;
            }
            TensorInfo info = parseEntry(file, name, e.getValue(), dataStart, dataSize);
            tensors.put(name, info);
            ranges.add(new long[] {info.offset() - dataStart, info.offset() - dataStart + info.byteLength()});
            rangeNames.add(name);
        }
        checkOverlaps(file, ranges, rangeNames);
        return new SafetensorsFile(file, ch, dataStart, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    private static TensorInfo parseEntry(Path file, String name, JsonElement el, long dataStart, long dataSize) {
        try {
            JsonObject o = el.getAsJsonObject();
            if (!o.has("dtype") || !o.has("shape") || !o.has("data_offsets")) {
                throw new SafetensorsException(file, name, "entry needs dtype, shape and data_offsets: " + o);
            }
            DType dtype;
            try {
                dtype = DType.parse(o.get("dtype").getAsString());
            } catch (IllegalArgumentException ex) {
                throw new SafetensorsException(file, name, ex.getMessage(), ex);
            }
            var shapeArr = o.getAsJsonArray("shape");
            long[] dims = new long[shapeArr.size()];
            long count = 1;
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shapeArr.get(i).getAsLong();
                if (dims[i] < 0) {
                    throw new SafetensorsException(file, name, "negative dimension in shape " + shapeArr);
                }
                count = Math.multiplyExact(count, dims[i]);
            }
            var off = o.getAsJsonArray("data_offsets");
            if (off.size() != 2) {
                throw new SafetensorsException(file, name, "data_offsets must have 2 entries: " + off);
            }
            long begin = off.get(0).getAsLong();
            long end = off.get(1).getAsLong();
            if (begin < 0 || end < begin || end > dataSize) {
                throw new SafetensorsException(file, name, "data_offsets [" + begin + ", " + end
                        + "] lie outside the data section of " + dataSize + " bytes");
            }
            long expected = Math.multiplyExact(count, (long) dtype.byteSize());
            if (end - begin != expected) {
                throw new SafetensorsException(file, name, "byte length " + (end - begin) + " != " + dtype
                        + " size " + dtype.byteSize() + " x " + count + " elements = " + expected);
            }
            return new TensorInfo(name, dtype, new Shape(dims), file, dataStart + begin, end - begin);
        } catch (SafetensorsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SafetensorsException(file, name, "malformed tensor entry: " + e, e);
        }
    }

    private static void checkOverlaps(Path file, List<long[]> ranges, List<String> names) {
        Integer[] order = new Integer[ranges.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingLong((Integer i) -> ranges.get(i)[0])
                .thenComparingLong(i -> ranges.get(i)[1]));
        for (int k = 1; k < order.length; k++) {
            long[] prev = ranges.get(order[k - 1]);
            long[] cur = ranges.get(order[k]);
            if (cur[0] < prev[1] && cur[1] > cur[0]) {
                throw new SafetensorsException(file, names.get(order[k]), "data overlaps tensor '"
                        + names.get(order[k - 1]) + "' ([" + cur[0] + ", " + cur[1] + ") vs [" + prev[0] + ", " + prev[1] + "))");
            }
        }
    }

    /** The file this reads. */
    public Path path() {
        return file;
    }

    /** The header's {@code __metadata__}, if any. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    /** {@inheritDoc} */
    @Override
    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new NoSuchElementException(file + ": no tensor named '" + name + "'");
        }
        return info;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray load(String name, NDManager manager, DataType dtype) {
        return TensorReader.read(channel, info(name), manager, dtype);
    }

    /** Maps a byte range read-only; the caller keeps it no longer than needed. */
    MappedByteBuffer map(long offset, long length) throws IOException {
        return channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
    }

    long dataStart() {
        return dataStart;
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        long p = pos;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, p);
            if (r < 0) {
                throw new IOException("unexpected end of file at " + p);
            }
            p += r;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to release beyond the descriptor
        }
    }

}
