package io.hunyuan4j.core.weights;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checkpoint copied into host memory in its stored encoding: every tensor's bytes as the file holds them (FP8:
 * one byte per element, BF16: two), in native memory this source owns, independent of the file afterwards. Loads
 * decode from those bytes exactly as from the file ({@link TensorSource#load}), so a model bound
 * {@link LoadMode#LAZY} to it under MODEL or BLOCK offload keeps the weights resident at their stored size and
 * widens each block to the compute dtype only while it runs, the way Tencent's FP8 mode keeps
 * {@code float8_e4m3fn} weights and dequantizes per layer. Layout conversions ({@link RemappedTensors}) and FP8
 * scales ({@link ScaledFloat8Tensors}) apply on top of it as on a file.
 *
 * <p>Compared with re-reading the file at each onload (its bytes then sit in the kernel's page cache, outside the
 * process, which may drop them under memory pressure and read them again from disk), these bytes stay resident:
 * anonymous memory of the process, counted in its RSS. docs/checkpoints.md, "FP8 kept as FP8".
 */
public final class StoredTensors extends IndexedTensors {

    private final Map<String, ByteBuffer> bytes;
    private final NDManager manager;
    private final long heldBytes;

    private StoredTensors(Map<String, TensorInfo> infos, Map<String, ByteBuffer> bytes, NDManager manager,
            long heldBytes) {
        super(infos, "held tensors");
        this.bytes = bytes;
        this.manager = manager;
        this.heldBytes = heldBytes;
    }

    /**
     * Copies every tensor of {@code source} as stored; {@code source} may be closed afterwards.
     *
     * @throws IllegalArgumentException if the source cannot hand out stored bytes (it must be a file, a sharded
     *     checkpoint, an in-memory or remapped source: not a {@link ScaledFloat8Tensors} view, which decodes)
     * @throws java.io.UncheckedIOException if a tensor cannot be read
     */
    public static StoredTensors copyOf(TensorSource source) {
        if (!(source instanceof RawSource raw)) {
            throw new IllegalArgumentException("cannot copy the stored bytes of " + source.getClass().getName()
                    + "; copy the file's source (Checkpoints.open) and convert the copy");
        }
        NDManager m = NDManager.newBaseManager(Device.cpu());
        m.setName("stored-weights");
        try {
            Map<String, TensorInfo> infos = new LinkedHashMap<>();
            Map<String, ByteBuffer> held = new LinkedHashMap<>();
            long total = 0;
            for (String n : source.names()) {
                TensorInfo in = source.info(n);
                TensorInfo asBytes = new TensorInfo(n, DType.U8, new Shape(in.byteLength()), in.file(), in.offset(),
                        in.byteLength());
                NDArray a = TensorReader.read((dst, offset) -> raw.readRaw(n, dst, offset), asBytes, m,
                        DataType.UINT8, TensorReader.DEFAULT_CHUNK_BYTES);
                held.put(n, a.toByteBuffer(true).asReadOnlyBuffer()); // a view of the array's memory, owned by m
                infos.put(n, in);
                total += in.byteLength();
            }
            return new StoredTensors(Collections.unmodifiableMap(infos), held, m, total);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Bytes held: the stored size of every tensor. */
    public long heldBytes() {
        return heldBytes;
    }



    /** {@inheritDoc} Decoded from the held bytes (FP8 and BF16 exactly), into {@code manager}. */
    @Override
    public NDArray load(String name, NDManager manager, DataType dtype) {
        return TensorReader.read((dst, offset) -> readRaw(name, dst, offset), info(name), manager, dtype,
                TensorReader.DEFAULT_CHUNK_BYTES);
    }

    /** {@inheritDoc} */
    @Override
    public void readRaw(String name, ByteBuffer dst, long offset) {
        info(name);
        if (!manager.isOpen()) {
            throw new IllegalStateException("stored weights are closed; cannot read '" + name + "'");
        }
        ByteBuffer src = java.util.Objects.requireNonNull(bytes.get(name), name).duplicate(); // info(name) checked it
        int from = (int) Math.min(offset, src.limit());
        src.position(from).limit(Math.min(src.limit(), from + dst.remaining()));
        dst.put(src);
    }

    /** Frees the held bytes; later loads fail. */
    @Override
    public void close() {
        manager.close();
    }
}
