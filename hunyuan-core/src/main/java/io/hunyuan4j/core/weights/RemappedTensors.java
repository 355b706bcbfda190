package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A checkpoint seen under other names, lazily: each visible tensor is a stored tensor, or a range of its rows,
 * or its rows reordered (row blocks concatenated). Rows along dimension 0 are contiguous bytes, so every derived
 * tensor is read straight from the file's byte ranges: nothing is copied in memory, nothing is read before
 * {@link #load} asks, and a fused {@code qkv} weight split three ways costs one read of each third.
 *
 * <p>Used for layout conversions (Tencent's original HunyuanVideo names to diffusers names); the rules come from
 * a key-mapping class, this class only reads.
 */
public final class RemappedTensors extends IndexedTensors {

    /** Rows {@code [from, to)} of dimension 0 of a stored tensor. */
    public record Rows(long from, long to) {
        /** Validates the range. */
        public Rows {
            if (from < 0 || to < from) {
                throw new IllegalArgumentException("bad row range [" + from + ", " + to + ")");
            }
        }
    }

    /**
     * One visible tensor: the concatenation, along dimension 0, of {@code parts} of the stored tensor
     * {@code source}. A single part covering every row is the tensor as stored.
     */
    public record Derived(String source, List<Rows> parts) {
        /** The whole stored tensor. */
        public static Derived whole(String source) {
            return new Derived(source, List.of());
        }
    }

    private final TensorSource source;
    private final RawSource raw;
    private final Map<String, long[]> segments;
    private final Map<String, String> sourceNames;

    private RemappedTensors(TensorSource source, Map<String, TensorInfo> infos, Map<String, long[]> segments,
            Map<String, String> sourceNames) {
        super(infos, "remapped tensors");
        this.source = source;
        this.raw = (RawSource) source;
        this.segments = segments;
        this.sourceNames = sourceNames;
    }

    /**
     * Views {@code source} under the names of {@code mapping}.
     *
     * @param mapping visible name to its derivation, in the order {@link #names()} reports
     * @throws IllegalArgumentException if a derivation names an absent tensor or rows outside it, or if the
     *     source cannot hand out stored bytes
     */
    public static RemappedTensors of(TensorSource source, Map<String, Derived> mapping) {
        if (!(source instanceof RawSource)) {
            throw new IllegalArgumentException("cannot remap " + source.getClass().getName()
                    + ": it cannot hand out stored bytes; supported: SafetensorsFile, ShardedSafetensors,"
                    + " InMemoryTensors");
        }
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        Map<String, long[]> segs = new LinkedHashMap<>();
        for (Map.Entry<String, Derived> e : mapping.entrySet()) {
            Derived d = e.getValue();
            if (!source.names().contains(d.source())) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is derived from '" + d.source()
                        + "', which the checkpoint lacks");
            }
            TensorInfo in = source.info(d.source());
            long[] shape = in.shape().getShape();
            if (d.parts().isEmpty()) {
                infos.put(e.getKey(), new TensorInfo(e.getKey(), in.dtype(), in.shape(), in.file(), in.offset(),
                        in.byteLength()));
                segs.put(e.getKey(), new long[] {0, in.byteLength()});
                continue;
            }
            if (shape.length == 0) {
                throw new IllegalArgumentException("'" + d.source() + "' is a scalar; it has no rows to take");
            }
            long rowBytes = shape[0] == 0 ? 0 : in.byteLength() / shape[0];
            long rows = 0;
            long[] s = new long[2 * d.parts().size()];
            for (int i = 0; i < d.parts().size(); i++) {
                Rows r = d.parts().get(i);
                if (r.to() > shape[0]) {
                    throw new IllegalArgumentException("'" + e.getKey() + "' takes rows [" + r.from() + ", "
                            + r.to() + ") of '" + d.source() + "', which has " + shape[0] + " rows");
                }
                s[2 * i] = r.from() * rowBytes;
                s[2 * i + 1] = (r.to() - r.from()) * rowBytes;
                rows += r.to() - r.from();
            }
            long[] out = shape.clone();
            out[0] = rows;
            infos.put(e.getKey(), new TensorInfo(e.getKey(), in.dtype(), new Shape(out), in.file(),
                    in.offset() + s[0], rows * rowBytes));
            segs.put(e.getKey(), s);
        }
        Map<String, String> sourceOf = new LinkedHashMap<>();
        mapping.forEach((k, v) -> sourceOf.put(k, v.source()));
        return new RemappedTensors(source, Collections.unmodifiableMap(infos), segs, sourceOf);
    }



    /** {@inheritDoc} */
    @Override
    public NDArray load(String name, NDManager manager, DataType dtype) {
        TensorInfo info = info(name);
        return TensorReader.read((dst, offset) -> readRaw(name, dst, offset), info, manager, dtype,
                TensorReader.DEFAULT_CHUNK_BYTES);
    }

    /** {@inheritDoc} */
    @Override
    public void readRaw(String name, ByteBuffer dst, long offset) throws IOException {
        info(name); // rejects unknown names
        String from = Objects.requireNonNull(sourceNames.get(name), name);
        long[] s = Objects.requireNonNull(segments.get(name), name);
        long pos = 0; // start of the current segment in the derived tensor
        for (int i = 0; i < s.length && dst.hasRemaining(); i += 2) {
            long segStart = s[i];
            long segLen = s[i + 1];
            long end = pos + segLen;
            if (offset < end) {
                long within = Math.max(0, offset - pos);
                int n = (int) Math.min(dst.remaining(), segLen - within);
                ByteBuffer part = dst.duplicate();
                part.limit(part.position() + n);
                raw.readRaw(from, part, segStart + within);
                dst.position(part.position());
                offset = end;
            }
            pos = end;
        }
    }

    /** The stored tensor {@code name} is read from. */
    public String sourceOf(String name) {
        info(name); // rejects unknown names
        return Objects.requireNonNull(sourceNames.get(name), name);
    }

    /** Closes the underlying checkpoint. */
    @Override
    public void close() {
        source.close();
    }
}
