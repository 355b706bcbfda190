package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;

/**
 * Copies one tensor from a mapped file region into native memory owned by the caller's manager.
 *
 * <p>The destination is allocated natively first and filled through its direct view, so the only copy is the
 * one that converts; no Java heap or Java-owned direct buffer holds tensor data (arrays built on Java direct
 * buffers keep their memory until a GC, which would make RSS grow with the checkpoint).
 */
final class TensorReader {

    /** Output bytes per piece; larger tensors are filled in row chunks and concatenated. */
    static final long CHUNK_BYTES = 1L << 30;

    private TensorReader() {}

    static NDArray read(FileChannel ch, TensorInfo info, NDManager manager, DataType target) {
        requireSupportedTarget(info, target);
        DataType natural = naturalType(info.dtype());
        if (info.dtype() == DType.BF16 && target == DataType.FLOAT16) {
            // raw bf16 bit patterns carried in a FLOAT16 array: the ops layer bit-casts them to bf16
            return readChunked(ch, info, manager, DataType.FLOAT16, Conversion.COPY);
        }
        if (info.dtype() == DType.BF16) {
            NDArray f32 = readChunked(ch, info, manager, DataType.FLOAT32, Conversion.BF16_TO_F32);
            return convert(f32, target);
        }
        if (info.dtype() == DType.I16) {
            throw new IllegalArgumentException(info.file() + " [" + info.name() + "]: I16 tensors are not supported"
                    + " (DJL 0.35 cannot hold INT16); supported: F32, F16, BF16, F64, I64, I32, I8, U8, BOOL");
        }
        NDArray raw = readChunked(ch, info, manager, natural, Conversion.COPY);
        return convert(raw, target);
    }

    private static NDArray convert(NDArray a, DataType target) {
        if (a.getDataType() == target) {
            return a;
        }
        NDArray c = a.toType(target, false);
        a.close();
        return c;
    }

    private static void requireSupportedTarget(TensorInfo info, DataType target) {
        switch (target) {
            case FLOAT32, FLOAT16, FLOAT64, INT64, INT32, INT8, UINT8, BOOLEAN -> { }
            default -> throw new IllegalArgumentException(info.file() + " [" + info.name() + "]: cannot load as "
                    + target + " (DJL 0.35 aborts the JVM on BFLOAT16/INT16/UINT16/UNKNOWN arrays); use FLOAT32,"
                    + " or FLOAT16 to receive raw bf16 bits for the ops layer's bf16 path");
        }
    }

    static DataType naturalType(DType d) {
        return switch (d) {
            case F64 -> DataType.FLOAT64;
            case F32, BF16 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case I64 -> DataType.INT64;
            case I32 -> DataType.INT32;
            case I16 -> DataType.INT32;
            case I8 -> DataType.INT8;
            case U8 -> DataType.UINT8;
            case BOOL -> DataType.BOOLEAN;
        };
    }

    private enum Conversion { COPY, BF16_TO_F32 }

    private static NDArray readChunked(FileChannel ch, TensorInfo info, NDManager manager, DataType out, Conversion conv) {
        Shape shape = info.shape();
        long outBytesPerElem = out.getNumOfBytes();
        long totalOut = info.size() * outBytesPerElem;
        if (totalOut <= CHUNK_BYTES || shape.dimension() == 0) {
            return readPiece(ch, info, manager, out, conv, shape, info.offset(), info.size());
        }
        long rows = shape.get(0);
        long rowElems = info.size() / Math.max(1, rows);
        long rowsPerChunk = Math.max(1, CHUNK_BYTES / (rowElems * outBytesPerElem));
        if (rowElems * outBytesPerElem > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(info.file() + " [" + info.name() + "]: one row of " + rowElems
                    + " elements exceeds 2 GiB; cannot be materialised by DJL 0.35");
        }
        NDList parts = new NDList();
        try (NDManager tmp = manager.newSubManager()) {
            for (long r = 0; r < rows; r += rowsPerChunk) {
                long n = Math.min(rowsPerChunk, rows - r);
                long[] dims = shape.getShape().clone();
                dims[0] = n;
                long off = info.offset() + r * rowElems * info.dtype().byteSize();
                parts.add(readPiece(ch, info, tmp, out, conv, new Shape(dims), off, n * rowElems));
            }
            NDArray whole = NDArrays.concat(parts, 0);
            whole.attach(manager);
            return whole;
        }
    }

    private static NDArray readPiece(FileChannel ch, TensorInfo info, NDManager manager, DataType out,
            Conversion conv, Shape shape, long offset, long count) {
        long inBytes = count * info.dtype().byteSize();
        NDArray dst = manager.create(shape, out);
        if (count == 0) {
            return dst;
        }
        try {
            ByteBuffer view = dst.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);
            MappedByteBuffer src = ch.map(FileChannel.MapMode.READ_ONLY, offset, inBytes);
            src.order(ByteOrder.LITTLE_ENDIAN);
            if (conv == Conversion.BF16_TO_F32) {
                widenBf16(src.asShortBuffer(), view.asFloatBuffer(), (int) count);
            } else {
                view.put(src);
            }
            return dst;
        } catch (IOException e) {
            dst.close();
            throw new UncheckedIOException("cannot read " + info.name() + " from " + info.file(), e);
        } catch (RuntimeException e) {
            dst.close();
            throw e;
        }
    }

    /** bf16 is the top half of a float32, so widening is exact: {@code bits << 16}. */
    static void widenBf16(ShortBuffer src, FloatBuffer dst, int n) {
        for (int i = 0; i < n; i++) {
            dst.put(i, Float.intBitsToFloat(src.get(i) << 16));
        }
    }
}
