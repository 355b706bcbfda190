package io.hunyuan4j.core.weights;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Copies one stored tensor into native memory owned by the caller's manager, converting on the way.
 *
 * <p>The destination array is allocated natively first and filled through zero-copy direct views of it
 * ({@code toByteBuffer(true)}), so no Java heap or Java-owned direct buffer ever holds tensor data, and no file
 * mapping outlives the call. Bytes are read with positional reads ({@code pread}), so offsets are {@code long}
 * and a 20 GB shard is read tensor by tensor with a small heap.
 *
 * <p>A direct view holds at most 2 GiB, so a larger tensor is filled through views of consecutive element
 * ranges of one flat view of the destination: no second copy of the tensor is ever made.
 */
final class TensorReader {

    /** Output bytes filled through one direct view (a view may not exceed 2 GiB). */
    static final long DEFAULT_CHUNK_BYTES = 1L << 30;

    /** Elements widened per positional read: the raw block stays in cache while it is widened. */
    private static final int WIDEN_BLOCK = 1 << 17;

    /** Elements per parallel task: large tensors are filled by several threads, one block of this size each. */
    static final int PARALLEL_BLOCK = 1 << 20;

    /**
     * Threads that fill one large tensor: the caller plus helpers from the common fork-join pool. First-touch
     * page faults of the fresh destination and the widening loop both scale with cores. System property
     * {@code hunyuan.weights.loadThreads} overrides it (1 keeps loading on the caller's thread).
     */
    static int defaultThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        return Math.max(1, Integer.getInteger("hunyuan.weights.loadThreads", Math.min(4, cores)));
    }

    /** Reads raw tensor bytes: fills {@code dst} from its position to its limit, starting at {@code offset}. */
    @FunctionalInterface
    interface RawBytes {
        /** {@code offset} is relative to the tensor's first byte. */
        void read(ByteBuffer dst, long offset) throws IOException;
    }

    private enum Conversion { COPY, BF16_TO_F32, I16_TO_I32, F8_TO_F32 }

    /** How one tensor is filled: output type, conversion, bytes per direct view, threads. */
    private record Plan(DataType out, Conversion conv, long chunkBytes, int threads) { }

    private TensorReader() {}

    /**
     * Loads {@code info} from {@code src} into {@code manager} as {@code target}.
     *
     * @param chunkBytes output bytes per direct view; tests lower it to exercise the chunked path
     */
    static NDArray read(RawBytes src, TensorInfo info, NDManager manager, DataType target, long chunkBytes) {
        return read(src, info, manager, target, chunkBytes, defaultThreads());
    }

    /**
     * Loads {@code info} from {@code src} into {@code manager} as {@code target}.
     *
     * @param chunkBytes output bytes per direct view; tests lower it to exercise the chunked path
     * @param threads threads filling one large tensor (1 = the caller only)
     */
    static NDArray read(RawBytes src, TensorInfo info, NDManager manager, DataType target, long chunkBytes,
            int threads) {
        requireSupportedTarget(info, target);
        if (!manager.getDevice().equals(Device.cpu())) {
            // direct views exist for CPU tensors only: fill on the CPU, then move
            try (NDManager cpu = manager.getEngine().newBaseManager(Device.cpu())) {
                NDArray host = read(src, info, cpu, target, chunkBytes, threads);
                NDArray moved = host.toDevice(manager.getDevice(), true);
                moved.attach(manager);
                return moved;
            }
        }
        if (info.dtype() == DType.BF16 && target == DataType.FLOAT16) {
            // raw bf16 bit patterns carried in a FLOAT16 array: the ops layer bit-casts them to bf16
            return fill(src, info, manager, new Plan(DataType.FLOAT16, Conversion.COPY, chunkBytes, threads));
        }
        NDArray raw = switch (info.dtype()) {
            case BF16 -> fill(src, info, manager, new Plan(DataType.FLOAT32, Conversion.BF16_TO_F32, chunkBytes, threads));
            case I16 -> fill(src, info, manager, new Plan(DataType.INT32, Conversion.I16_TO_I32, chunkBytes, threads));
            case F8_E4M3, F8_E5M2 -> fill(src, info, manager,
                    new Plan(DataType.FLOAT32, Conversion.F8_TO_F32, chunkBytes, threads));
            default -> fill(src, info, manager,
                    new Plan(naturalType(info.dtype()), Conversion.COPY, chunkBytes, threads));
        };
        return convert(raw, target);
    }

    /**
     * Rejects the DJL data types whose arrays abort the JVM in DJL 0.35 (the native dtype switch has no case
     * for them), and the ones a checkpoint tensor cannot become.
     */
    static void requireSupportedTarget(TensorInfo info, DataType target) {
        switch (target) {
            case FLOAT32, FLOAT16, FLOAT64, INT64, INT32, INT8, UINT8, BOOLEAN -> { }
            default -> throw new IllegalArgumentException(info.file() + " [" + info.name() + "]: cannot load as "
                    + target + ": DJL 0.35 aborts the JVM on BFLOAT16, INT16, UINT16, UINT32, UINT64 and UNKNOWN"
                    + " arrays; supported: FLOAT32, FLOAT16, FLOAT64, INT64, INT32, INT8, UINT8, BOOLEAN (bf16"
                    + " tensors are widened exactly to FLOAT32, or given as raw bits in FLOAT16 for the ops"
                    + " layer's bf16 path)");
        }
    }

    /** The DJL type a stored dtype is read into before any requested conversion. */
    static DataType naturalType(DType d) {
        return switch (d) {
            case F64 -> DataType.FLOAT64;
            case F32, BF16, F8_E4M3, F8_E5M2 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case I64 -> DataType.INT64;
            case I32, I16 -> DataType.INT32;
            case I8 -> DataType.INT8;
            case U8 -> DataType.UINT8;
            case BOOL -> DataType.BOOLEAN;
        };
    }

    private static NDArray convert(NDArray a, DataType target) {
        if (a.getDataType() == target) {
            return a;
        }
        NDArray c = a.toType(target, false);
        a.close();
        return c;
    }

    private static NDArray fill(RawBytes src, TensorInfo info, NDManager manager, Plan plan) {
        long count = info.size();
        long outBytes = plan.out().getNumOfBytes();
        NDArray dst = manager.create(info.shape(), plan.out());
        try {
            if (count == 0) {
                return dst;
            }
            if (count * outBytes <= plan.chunkBytes()) {
                fillParallel(src, info, dst.toByteBuffer(true), 0, (int) count, plan);
                return dst;
            }
            long perChunk = Math.max(1, plan.chunkBytes() / outBytes);
            try (NDArray flat = dst.reshape(-1)) {
                for (long start = 0; start < count; start += perChunk) {
                    long n = Math.min(perChunk, count - start);
                    try (NDArray view = flat.get(new NDIndex().addSliceDim(start, start + n))) {
                        fillParallel(src, info, view.toByteBuffer(true), start, (int) n, plan);
                    }
                }
            }
            return dst;
        } catch (IOException e) {
            dst.close();
            throw new UncheckedIOException("cannot read " + info.name() + " from " + info.file(), e);
        } catch (RuntimeException | Error e) {
            dst.close();
            throw e;
        }
    }

    /**
     * Fills {@code view} (elements {@code [start, start + n)}) in blocks of {@link #PARALLEL_BLOCK} elements,
     * each a self-contained region for {@link #fillRegion}. Blocks are claimed from a shared counter by the
     * caller and by helper tasks on the common pool; the caller returns only when every claimed block is done,
     * so no helper touches the view afterwards (a helper that starts late finds nothing left and exits).
     */
    private static void fillParallel(RawBytes src, TensorInfo info, ByteBuffer view, long start, int n, Plan plan)
            throws IOException {
        int blocks = (int) ((n + (long) PARALLEL_BLOCK - 1) / PARALLEL_BLOCK);
        if (plan.threads() <= 1 || blocks < 2) {
            HugePages.advise(view);
            fillRegion(src, info, view, start, n, plan.conv());
            return;
        }
        HugePages.advise(view);
        int outSize = plan.out().getNumOfBytes();
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(blocks);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int k = next.getAndIncrement(); k < blocks; k = next.getAndIncrement()) {
                try {
                    if (failure.get() == null) {
                        int a = k * PARALLEL_BLOCK;
                        int len = Math.min(PARALLEL_BLOCK, n - a);
                        fillRegion(src, info, view.slice(a * outSize, len * outSize), start + a, len, plan.conv());
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        };
        for (int t = 1; t < Math.min(plan.threads(), blocks); t++) {
            ForkJoinPool.commonPool().execute(worker);
        }
        worker.run();
        awaitUninterruptibly(done);
        Throwable t = failure.get();
        if (t instanceof IOException io) {
            throw io;
        } else if (t instanceof RuntimeException re) {
            throw re;
        } else if (t instanceof Error err) {
            throw err;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    /** Waits for in-flight blocks even if interrupted (they write into memory the caller may free). */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Fills {@code view}, the output for elements {@code [start, start + n)}. A widening conversion reads each
     * raw block into the upper half of the output region and widens it forward in place: output element
     * {@code i} (bytes {@code [4i, 4i+4)}) can only overwrite raw elements {@code 2i-n} and {@code 2i-n+1}
     * (bytes from {@code 2n}), none of which is after {@code i}, so every raw value is read before it is
     * overwritten. No scratch buffer is needed.
     */
    private static void fillRegion(RawBytes src, TensorInfo info, ByteBuffer view, long start, int n,
            Conversion conv) throws IOException {
        int inSize = info.dtype().byteSize();
        if (conv == Conversion.COPY) {
            ByteBuffer dst = view.duplicate();
            dst.position(0).limit(n * inSize);
            src.read(dst, start * inSize);
            requireFull(dst, info);
            return;
        }
        if (conv == Conversion.F8_TO_F32) {
            widenFloat8(src, info, view, start, n);
            return;
        }
        int rawBase = 2 * n;
        for (int a = 0; a < n; a += WIDEN_BLOCK) {
            int len = Math.min(WIDEN_BLOCK, n - a);
            ByteBuffer raw = view.slice(rawBase + 2 * a, 2 * len);
            src.read(raw, (start + a) * 2);
            requireFull(raw, info);
            ShortBuffer s = raw.clear().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
            ByteBuffer out = view.slice(4 * a, 4 * len).order(ByteOrder.LITTLE_ENDIAN);
            if (conv == Conversion.BF16_TO_F32) {
                widenBf16(s, out.asFloatBuffer(), len);
            } else {
                widenI16(s, out.asIntBuffer(), len);
            }
        }
    }

    private static void requireFull(ByteBuffer b, TensorInfo info) throws IOException {
        if (b.hasRemaining()) {
            throw new IOException(info.file() + " [" + info.name() + "]: file ended " + b.remaining()
                    + " bytes early (truncated while open?)");
        }
    }

    /** bf16 is the top half of a float32, so widening is exact: {@code bits << 16}. */
    static void widenBf16(ShortBuffer src, FloatBuffer dst, int n) {
        for (int i = 0; i < n; i++) {
            dst.put(i, Float.intBitsToFloat(src.get(i) << 16));
        }
    }

    /**
     * FP8 to float32 by table ({@link Float8}, exact). As for 16-bit inputs, each raw block is read into the top
     * quarter of the output region ({@code 3n} bytes in) and widened forward in place: output element {@code i}
     * overwrites raw elements up to {@code 4i + 3 - 3n <= i}, all read before it.
     */
    private static void widenFloat8(RawBytes src, TensorInfo info, ByteBuffer view, long start, int n)
            throws IOException {
        Float8 format = Float8.of(info.dtype());
        int rawBase = 3 * n;
        for (int a = 0; a < n; a += WIDEN_BLOCK) {
            int len = Math.min(WIDEN_BLOCK, n - a);
            ByteBuffer raw = view.slice(rawBase + a, len);
            src.read(raw, start + a);
            requireFull(raw, info);
            FloatBuffer out = view.slice(4 * a, 4 * len).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            for (int i = 0; i < len; i++) {
                out.put(i, format.toFloat(raw.get(i)));
            }
        }
    }

    private static void widenI16(ShortBuffer src, IntBuffer dst, int n) {
        for (int i = 0; i < n; i++) {
            dst.put(i, src.get(i));
        }
    }
}
