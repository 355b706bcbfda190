package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.testing.TinyModel;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * 50 tiny-model generations in one JVM with no {@code System.gc()}: native memory is released when each
 * generation ends, not by the garbage collector.
 *
 * <p>How the bound was chosen: before the fix (arrays made from Java data wrapped GC-owned direct buffers) RSS
 * grew from 303 MB after the 5th generation to 894 MB after the 30th (64x64x9, 4 steps); after it, 303 to
 * 362 MB, and with a {@code System.gc()} after every generation 316 to 332 MB. The remaining slope is Java heap
 * pages the young generation touches for the first time, which stop at the committed heap; they are mostly touched
 * in the first generations, so this test measures RSS after the 10th and the 50th generation at the tiny model's
 * default size (64x64x9, 4 steps): growth before the fix about 4 MB per generation (180 MB from the 5th to the
 * 50th), after it 28 MB and 0 MB in two runs (49 MB from the 5th, up to 124 MB from the 5th on a loaded machine);
 * it allows 96 MB. It also bounds the JDK's direct-buffer pool, which DJL's {@code create(float[])} fills.
 */
@EnabledOnOs(OS.LINUX)
class NativeMemoryAcrossGenerationsTest {

    private static final long GROWTH_BOUND_BYTES = 96L << 20;

    @Test
    void fiftyGenerationsKeepNativeMemoryFlatWithoutGc() throws IOException {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        long afterTenth = 0;
        long directAfterTenth = 0;
        try (VideoPipeline pipe = TinyModel.builder(ComponentOptions.defaults()).build()) {
            for (int i = 1; i <= 50; i++) {
                pipe.generate(GenerationRequest.of("a cat").withSize(64, 64).withFrames(9).withSteps(4).withSeed(i));
                if (i == 10) {
                    afterTenth = rss();
                    directAfterTenth = direct.getMemoryUsed();
                }
            }
        }
        long growth = rss() - afterTenth;
        assertTrue(growth < GROWTH_BOUND_BYTES, "RSS grew by " + (growth >> 20) + " MB from the 10th to the 50th"
                + " generation (bound " + (GROWTH_BOUND_BYTES >> 20) + " MB)");
        long directGrowth = direct.getMemoryUsed() - directAfterTenth;
        assertTrue(directGrowth < (1L << 20), "direct buffers grew by " + directGrowth + " bytes");
    }

    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
