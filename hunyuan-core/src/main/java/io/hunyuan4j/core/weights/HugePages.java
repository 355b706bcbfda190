package io.hunyuan4j.core.weights;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Linux to back a freshly allocated destination with transparent huge pages before it is first written.
 *
 * <p>Why: filling a new float32 array costs one page fault per 4 KiB page, and on a small machine those faults,
 * not the copy or the bf16 widening, bound load throughput (measured: about 1 GB/s of fresh memory with 4 KiB
 * pages against 5 to 8 GB/s with 2 MiB pages). Where THP is in {@code madvise} mode (the common default),
 * libtorch only advises huge pages when the process runs with {@code THP_MEM_ALLOC_ENABLE=1}; this does the same
 * for the arrays the loader fills, through JNA (a dependency of DJL's API). Failure is harmless: the data is
 * the same, only slower to fault in. System property {@code hunyuan.weights.hugePages=false} turns it off.
 *
 * @see <a href="https://github.com/pytorch/pytorch/blob/v2.7.1/c10/core/impl/alloc_cpu.cpp">libtorch
 *     alloc_cpu.cpp (THP_MEM_ALLOC_ENABLE)</a>
 */
final class HugePages {

    private static final Logger LOG = LoggerFactory.getLogger(HugePages.class);

    /** Below one huge page there is nothing to gain. */
    static final long MIN_BYTES = 2L << 20;

    private static final int MADV_HUGEPAGE = 14;
    private static final long PAGE = 4096;

    /** libc's {@code madvise}, or null where unavailable (not Linux, JNA missing, disabled). */
    private static final @Nullable LibC LIBC = load();

    /** The one libc call needed. */
    interface LibC extends Library {
        int madvise(Pointer addr, long length, int advice);
    }

    private HugePages() {}

    private static @Nullable LibC load() {
        if (!Boolean.parseBoolean(System.getProperty("hunyuan.weights.hugePages", "true"))) {
            return null;
        }
        try {
            return Platform.isLinux() ? Native.load("c", LibC.class) : null;
        } catch (Throwable t) {
            LOG.debug("madvise unavailable, loading with normal pages: {}", t.toString());
            return null;
        }
    }

    /** Advises huge pages for the whole pages inside {@code direct} (a direct buffer not yet written). */
    static void advise(ByteBuffer direct) {
        LibC libc = LIBC;
        if (libc == null || !direct.isDirect() || direct.capacity() < MIN_BYTES) {
            return;
        }
        try {
            long address = Pointer.nativeValue(Native.getDirectBufferPointer(direct));
            long start = (address + PAGE - 1) & -PAGE;
            long end = (address + direct.capacity()) & -PAGE;
            if (end > start) {
                libc.madvise(new Pointer(start), end - start, MADV_HUGEPAGE);
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("madvise failed, loading with normal pages: {}", e.toString());
        }
    }
}
