package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * One safetensors file, read lazily: the header is parsed and validated on open, a tensor's bytes are read
 * only when it is loaded, straight into the native memory of the array that receives them. Offsets are
 * {@code long} throughout and reads are positional, so files far beyond 4 GiB work and no read ever pulls the
 * whole file onto the Java heap: a 20 GB shard loads tensor by tensor with a 2 GB heap.
 *
 * <p>Format: 8-byte little-endian header length N, N bytes of JSON (tensor name to dtype, shape and
 * {@code data_offsets} relative to the data section, plus an optional {@code __metadata__} object of strings),
 * then the data section. Every entry is validated on open: dtype, offsets inside the data section, byte length
 * equal to dtype size times element count, no overlaps, no duplicate names.
 *
 * <p>Thread-safe: loads of different tensors may run concurrently.
 *
 * @see <a href="https://github.com/huggingface/safetensors">safetensors</a>
 */
public final class SafetensorsFile implements TensorSource, RawSource {

    /** Upper bound on the JSON header: safetensors itself refuses headers above 100 MB. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private final Path file;
    private final FileChannel channel;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private final long chunkBytes;

    private SafetensorsFile(Path file, FileChannel channel, Map<String, TensorInfo> tensors,
            Map<String, String> metadata, long chunkBytes) {
        this.file = file;
        this.channel = channel;
        this.tensors = tensors;
        this.metadata = metadata;
        this.chunkBytes = chunkBytes;
    }

    /**
     * Opens and validates a safetensors file.
     *
     * @throws SafetensorsException for any malformation (header length, JSON, UTF-8, dtype, offsets, overlap,
     *     size, duplicate names) or a path that is not a regular file, naming the file and, where known, the
     *     tensor
     * @throws UncheckedIOException if the file cannot be read
     */
    public static SafetensorsFile open(Path file) {
        return open(file, TensorReader.DEFAULT_CHUNK_BYTES);
    }

    /** Opens with a smaller fill chunk, so tests can exercise the chunked path without writing gigabytes. */
    static SafetensorsFile open(Path file, long chunkBytes) {
        if (chunkBytes < 8 || chunkBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("chunkBytes " + chunkBytes + " must be in [8, 2^31 - 1]");
        }
        // Opening a FIFO (or a character device) for reading blocks until a writer appears: refuse it first.
        requireRegularFile(file);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
        try {
            Header h = readHeader(file, new Positional() {
                @Override
                public long size() throws IOException {
                    return ch.size();
                }

                @Override
                public void read(ByteBuffer dst, long pos) throws IOException {
                    readFully(ch, dst, pos);
                }
            });
            return new SafetensorsFile(file, ch, h.tensors(), h.metadata(), chunkBytes);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /**
     * Fails unless {@code file} is a regular file (a symbolic link to one is fine, as the Hugging Face cache
     * writes them).
     *
     * @throws SafetensorsException naming the file and what it is
     */
    static void requireRegularFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SafetensorsException(file, null, Files.exists(file)
                    ? "not a regular file (a pipe, device or folder); expected a .safetensors file"
                    : "file not found");
        }
    }

    /** Random-access reads of a file's bytes (a channel, or memory in tests and fuzzing). */
    interface Positional {
        /** Total size in bytes. */
        long size() throws IOException;

        /** Fills {@code dst} from {@code pos} until it is full or the data ends. */
        void read(ByteBuffer dst, long pos) throws IOException;
    }

    /** A validated header: the tensors by name and the {@code __metadata__}. */
    record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata) { }

    /** {@link #readHeader(Path, Positional)} over bytes held in memory; {@code file} only names them. */
    static Header readHeader(Path file, byte[] bytes) {
        try {
            return readHeader(file, new Positional() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public void read(ByteBuffer dst, long pos) {
                    int from = (int) Math.min(pos, bytes.length);
                    dst.put(ByteBuffer.wrap(bytes, from, Math.min(dst.remaining(), bytes.length - from)));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory reads do not fail
        }
    }

    /**
     * Reads and validates the header length, the JSON header and every entry against the data section.
     *
     * @throws SafetensorsException for any malformation, naming the file and, where known, the tensor
     */
    static Header readHeader(Path file, Positional in) throws IOException {
        long fileSize = in.size();
        if (fileSize < 8) {
            throw new SafetensorsException(file, null,
                    "file is " + fileSize + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        in.read(len, 0);
        long n = len.flip().getLong();
        // unsigned compare: a length with the top bit set is a huge number, not a negative one
        if (Long.compareUnsigned(n, MAX_HEADER_BYTES) > 0 || n < 2) {
            throw new SafetensorsException(file, null, "header length " + Long.toUnsignedString(n)
                    + " is outside [2, " + MAX_HEADER_BYTES + "] bytes");
        }
        if (8 + n > fileSize) {
            throw new SafetensorsException(file, null,
                    "header length " + n + " runs past the end of the file (" + fileSize + " bytes)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
        in.read(headerBytes, 8);
        if (headerBytes.hasRemaining()) {
            throw new SafetensorsException(file, null, "file ended inside the " + n + "-byte header");
        }
        String json = Utf8.decode(headerBytes.flip(), msg -> new SafetensorsException(file, null,
                "header is not valid UTF-8: " + msg));
        HeaderParser.Header header = HeaderParser.parse(file, json);
        long dataStart = 8 + n;
        long dataSize = fileSize - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (HeaderParser.Entry e : header.entries()) {
            tensors.put(e.name(), checkEntry(file, e, dataStart, dataSize));
        }
        checkOverlaps(file, tensors.values(), dataStart);
        return new Header(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(header.metadata()));
    }

    private static TensorInfo checkEntry(Path file, HeaderParser.Entry e, long dataStart, long dataSize) {
        long count = 1;
        try {
            for (long d : e.shape()) {
                count = Math.multiplyExact(count, d);
            }
        } catch (ArithmeticException ex) {
            throw new SafetensorsException(file, e.name(), "shape " + Arrays.toString(e.shape())
                    + " has more elements than a long can count");
        }
        if (e.begin() < 0 || e.end() < e.begin() || e.end() > dataSize) {
            throw new SafetensorsException(file, e.name(), "data_offsets [" + e.begin() + ", " + e.end()
                    + "] lie outside the data section of " + dataSize + " bytes");
        }
        DType dtype = e.dtype();
        long length = e.end() - e.begin();
        long expected;
        try {
            expected = Math.multiplyExact(count, (long) dtype.byteSize());
        } catch (ArithmeticException ex) {
            throw new SafetensorsException(file, e.name(), "shape " + Arrays.toString(e.shape()) + " of " + dtype
                    + " needs " + count + " x " + dtype.byteSize() + " bytes, more than a file can hold; the entry"
                    + " has " + length);
        }
        if (length != expected) {
            throw new SafetensorsException(file, e.name(), "byte length " + length + " != "
                    + dtype + " size " + dtype.byteSize() + " x " + count + " elements of shape "
                    + Arrays.toString(e.shape()) + " = " + expected);
        }
        return new TensorInfo(e.name(), dtype, new Shape(e.shape()), file, dataStart + e.begin(),
                e.end() - e.begin());
    }

    /**
     * Rejects tensors whose byte ranges overlap. Empty tensors occupy no bytes and overlap nothing. Gaps
     * between tensors are allowed (the reference writer leaves none, but they are harmless to a reader).
     */
    private static void checkOverlaps(Path file, Collection<TensorInfo> infos, long dataStart) {
        List<TensorInfo> sorted = new ArrayList<>();
        for (TensorInfo t : infos) {
            if (t.byteLength() > 0) {
                sorted.add(t);
            }
        }
        sorted.sort(Comparator.comparingLong(TensorInfo::offset));
        TensorInfo reach = null;
        for (TensorInfo cur : sorted) {
            if (reach != null && cur.offset() < reach.offset() + reach.byteLength()) {
                throw new SafetensorsException(file, cur.name(), "data [" + (cur.offset() - dataStart) + ", "
                        + (cur.offset() - dataStart + cur.byteLength()) + ") overlaps tensor '" + reach.name()
                        + "' [" + (reach.offset() - dataStart) + ", "
                        + (reach.offset() - dataStart + reach.byteLength()) + ")");
            }
            if (reach == null || cur.offset() + cur.byteLength() > reach.offset() + reach.byteLength()) {
                reach = cur;
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
        TensorInfo info = info(name);
        return TensorReader.read((dst, offset) -> readFully(channel, dst, info.offset() + offset), info, manager,
                dtype, chunkBytes);
    }

    /** {@inheritDoc} */
    @Override
    public void readRaw(String name, ByteBuffer dst, long offset) throws IOException {
        TensorInfo info = info(name);
        int n = (int) Math.min(dst.remaining(), Math.max(0, info.byteLength() - offset));
        ByteBuffer part = dst.duplicate();
        part.limit(part.position() + n);
        readFully(channel, part, info.offset() + offset);
        dst.position(part.position());
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        closeQuietly(channel);
    }

    /** Positional read until {@code buf} is full or the file ends (the caller checks what is left). */
    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        long p = pos;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, p);
            if (r < 0) {
                return;
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
