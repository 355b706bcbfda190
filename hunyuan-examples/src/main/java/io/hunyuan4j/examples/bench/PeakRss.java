package io.hunyuan4j.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-phase peak resident memory of this process, for the step benchmarks: a daemon thread samples
 * {@code VmRSS} every 20 ms and {@link #phase} reports the highest sample since the previous phase, with the
 * phase's wall time. The process-wide high-water mark ({@code VmHWM}, which catches peaks shorter than a sample)
 * is printed alongside. Linux only; elsewhere the figures read -1.
 *
 * <pre>{@code
 * try (PeakRss rss = new PeakRss()) {
 *     buildWeights();
 *     rss.phase("build weights");
 * }
 * }</pre>
 */
final class PeakRss implements AutoCloseable {

    private static final Path STATUS = Path.of("/proc/self/status");

    private final AtomicLong peakKb = new AtomicLong();
    private final Thread sampler;
    private long phaseStart = System.nanoTime();
    private volatile boolean running = true;

    PeakRss() {
        peakKb.set(kb("VmRSS"));
        sampler = new Thread(() -> {
            while (running) {
                long now = kb("VmRSS");
                peakKb.accumulateAndGet(now, Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "peak-rss");
        sampler.setDaemon(true);
        sampler.start();
    }

    /**
     * Prints one line for the phase that just ended: its wall time, its peak RSS and the RSS now; starts the next.
     *
     * @param name what the phase did
     * @return the phase's wall time in seconds
     */
    double phase(String name) {
        long end = System.nanoTime();
        long now = kb("VmRSS");
        long peak = Math.max(peakKb.getAndSet(now), now);
        double sec = (end - phaseStart) / 1e9;
        System.out.printf(Locale.ROOT, "%-14s %8.1f s   peak RSS %6.0f MiB   RSS after %6.0f MiB   (VmHWM %6.0f MiB)%n",
                name + ":", sec, peak / 1024.0, now / 1024.0, kb("VmHWM") / 1024.0);
        phaseStart = System.nanoTime();
        return sec;
    }

    /** The process's resident set now ({@code VmRSS}) in MiB, or a negative value if unknown. */
    static double currentMib() {
        return kb("VmRSS") / 1024.0;
    }

    /** The process's high-water mark so far ({@code VmHWM}) in MiB, or a negative value if unknown. */
    static double highWaterMib() {
        return kb("VmHWM") / 1024.0;
    }

    /** Stops the sampler. */
    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }

    /** A {@code /proc/self/status} field in kB, -1 if unreadable. */
    private static long kb(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
