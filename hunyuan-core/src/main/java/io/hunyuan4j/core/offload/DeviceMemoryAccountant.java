package io.hunyuan4j.core.offload;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts every byte the SDK places on the compute device, per component: current and peak. The offloader
 * reports real placements here; the memory planner reports planned ones, so a plan and a run are accounted by
 * the same code. With a budget, a placement that would exceed it fails before it happens.
 */
public final class DeviceMemoryAccountant {

    private final long budgetBytes;
    private final Map<String, long[]> perComponent = new LinkedHashMap<>();
    private long current;
    private long peak;
    private String peakStage = "-";
    private String stage = "-";

    /** Without a budget. */
    public DeviceMemoryAccountant() {
        this(Long.MAX_VALUE);
    }

    /** @param budgetBytes the most the device may hold; placements beyond it throw */
    public DeviceMemoryAccountant(long budgetBytes) {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("budget must be > 0 bytes but is " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    /** Names the stage that following placements belong to (for the peak's attribution). */
    public synchronized void stage(String name) {
        this.stage = name;
    }

    /**
     * Records bytes placed on the device.
     *
     * @throws DeviceBudgetExceededException if the budget would be exceeded
     */
    public synchronized void place(String component, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0 but is " + bytes);
        }
        if (current + bytes > budgetBytes) {
            throw new DeviceBudgetExceededException(component, stage, bytes, current, budgetBytes);
        }
        long[] c = perComponent.computeIfAbsent(component, k -> new long[2]);
        c[0] += bytes;
        c[1] = Math.max(c[1], c[0]);
        current += bytes;
        if (current > peak) {
            peak = current;
            peakStage = stage;
        }
    }

    /** Records bytes removed from the device. */
    public synchronized void release(String component, long bytes) {
        long[] c = perComponent.get(component);
        if (c == null || c[0] < bytes) {
            throw new IllegalStateException("releasing " + bytes + " bytes of " + component + " but only "
                    + (c == null ? 0 : c[0]) + " are placed");
        }
        c[0] -= bytes;
        current -= bytes;
    }

    /** Bytes on the device now. */
    public synchronized long currentBytes() {
        return current;
    }

    /** The most bytes ever on the device at once. */
    public synchronized long peakBytes() {
        return peak;
    }

    /** The stage during which the peak occurred. */
    public synchronized String peakStage() {
        return peakStage;
    }

    /** The budget (Long.MAX_VALUE for none). */
    public long budgetBytes() {
        return budgetBytes;
    }

    /** Peak bytes per component. */
    public synchronized Map<String, Long> peakByComponent() {
        Map<String, Long> m = new LinkedHashMap<>();
        perComponent.forEach((k, v) -> m.put(k, v[1]));
        return m;
    }

    /** Current bytes per component. */
    public synchronized Map<String, Long> currentByComponent() {
        Map<String, Long> m = new LinkedHashMap<>();
        perComponent.forEach((k, v) -> m.put(k, v[0]));
        return m;
    }
}
