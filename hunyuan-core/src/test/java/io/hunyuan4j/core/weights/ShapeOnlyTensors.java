package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A checkpoint of names, dtypes and shapes only, for tests that check key sets at the published model's size
 * without allocating its weights: every conversion that only reads {@link #info} (layout mapping, FP8 scales,
 * LoRA matching) runs on it as on a file. Reads return zero bytes, so only tiny tensors (alphas, scales) should be
 * loaded from it.
 */
public final class ShapeOnlyTensors extends IndexedTensors {


    private ShapeOnlyTensors(Map<String, TensorInfo> infos) {
        super(Collections.unmodifiableMap(infos), "shape-only");
    }

    /**
     * @param shapes name to shape, in the order {@link #names()} reports
     * @param dtype each tensor's stored dtype
     */
    public static ShapeOnlyTensors of(Map<String, Shape> shapes, Function<String, DType> dtype) {
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        Path file = Path.of("shape-only");
        long offset = 0;
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            DType t = dtype.apply(e.getKey());
            long bytes = e.getValue().size() * t.byteSize();
            infos.put(e.getKey(), new TensorInfo(e.getKey(), t, e.getValue(), file, offset, bytes));
            offset += bytes;
        }
        return new ShapeOnlyTensors(infos);
    }

    /** Every tensor's shape, in order. */
    public static Map<String, Shape> shapes(TensorSource source) {
        Map<String, Shape> out = new LinkedHashMap<>();
        for (String n : source.names()) {
            out.put(n, source.info(n).shape());
        }
        return out;
    }



    @Override
    public NDArray load(String name, NDManager manager, DataType dtype) {
        TensorInfo info = info(name);
        if (info.byteLength() > 1 << 20) {
            throw new IllegalStateException("shape-only: refusing to materialise " + name + " " + info.shape());
        }
        return TensorReader.read((dst, offset) -> readRaw(name, dst, offset), info, manager, dtype,
                TensorReader.DEFAULT_CHUNK_BYTES);
    }

    /** Zeros. */
    @Override
    public void readRaw(String name, ByteBuffer dst, long offset) {
        info(name);
        while (dst.hasRemaining()) {
            dst.put((byte) 0);
        }
    }

    @Override
    public void close() {
    }
}
