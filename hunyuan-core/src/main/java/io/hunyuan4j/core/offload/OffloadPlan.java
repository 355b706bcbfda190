package io.hunyuan4j.core.offload;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.ops.ComputeDtype;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where the pipeline's components keep their weights during one generation, under an offload mode and a device
 * budget: the budget check before any work ({@link #checkBudget()}), the weights resident for the whole call
 * under {@link Offload#NONE} ({@link #resident()}), and each stage run with its component's weights placed
 * ({@link #run}). Every placement goes through one {@link Offloader} and its {@link DeviceMemoryAccountant},
 * whose peaks the result's provenance reports ({@link #devicePeaks()}).
 *
 * <pre>{@code
 * OffloadPlan plan = OffloadPlan.of(Offload.MODEL, device, dtype, budget, List.of(transformer, vae));
 * try (GroupOnloader.Scope resident = plan.resident()) {
 *     NDArray denoised = plan.run(transformer, "denoise", call, () -> loop.run(latents, call));
 *     NDArray video = plan.run(vae, "decode", call, () -> vae.decode(denoised));
 * }
 * }</pre>
 *
 * <p>One plan serves one generation (its accountant counts that call's placements); a component that is not
 * {@link Offloadable} is neither counted nor moved.
 */
public final class OffloadPlan {

    private final Offload offload;
    private final long budget;
    private final List<Offloadable> components;
    private final Offloader offloader;

    private OffloadPlan(Offload offload, long budget, List<Offloadable> components, Offloader offloader) {
        this.offload = offload;
        this.budget = budget;
        this.components = components;
        this.offloader = offloader;
    }

    /**
     * A plan for one generation.
     *
     * @param offload the offload mode
     * @param device where weights are placed
     * @param dtype the compute dtype, which sets the weights' device bytes
     * @param budget the most weight bytes on the device at once ({@link Long#MAX_VALUE} for none)
     * @param components the pipeline's components in pipeline order (DiT, VAE); those that implement
     *     {@link Offloadable} are placed
     */
    public static OffloadPlan of(Offload offload, Device device, ComputeDtype dtype, long budget,
            List<?> components) {
        List<Offloadable> offloadables = new ArrayList<>();
        for (Object c : components) {
            if (c instanceof Offloadable o) {
                offloadables.add(o);
            }
        }
        Offloader offloader = new Offloader(device, offload, dtype, new DeviceMemoryAccountant(budget));
        return new OffloadPlan(offload, budget, List.copyOf(offloadables), offloader);
    }

    /**
     * Before any work: offloaded components must be reloadable (bound LAZY), and the budget must hold every
     * component at once (NONE), the largest component's stage groups (MODEL), or, for each component, its
     * shared weights plus its largest stage group (BLOCK); the error names the largest need.
     *
     * @throws IllegalArgumentException if the budget cannot hold what the mode places at once (naming the block or
     *     component and its bytes), or MODEL or BLOCK offload meets a component not bound LAZY
     */
    public void checkBudget() {
        if (offload != Offload.NONE) {
            for (Offloadable c : components) {
                if (!c.reloadable()) {
                    throw new IllegalArgumentException("offload " + offload + " needs the " + c.component()
                            + " bound LAZY (ComponentOptions loadMode LAZY), so released weights can be re-read");
                }
            }
        }
        if (offload == Offload.NONE) {
            long all = components.stream().mapToLong(c -> offloader.bytesOf(c.allParameters())).sum();
            if (all > budget) {
                throw new IllegalArgumentException("memoryBudget " + budget + " bytes is smaller than the "
                        + all + " bytes of weights that offload NONE keeps resident ("
                        + String.join(" + ", components.stream().map(Offloadable::component).toList()) + ")");
            }
            return;
        }
        String worst = null;
        long worstNeed = -1;
        long worstGroup = 0;
        long worstShared = 0;
        for (Offloadable c : components) {
            var groups = c.parameterGroups();
            long shared = offloader.bytesOf(groups.getOrDefault(Offloadable.SHARED, List.of()));
            if (offload == Offload.MODEL) {
                long all = offloader.bytesOf(c.stageParameters());
                if (all > worstNeed) {
                    worst = c.component();
                    worstNeed = all;
                }
                continue;
            }
            for (String g : c.stageGroups()) {
                long group = g.equals(Offloadable.SHARED) ? 0
                        : offloader.bytesOf(Objects.requireNonNull(groups.get(g), g));
                if (shared + group > worstNeed) {
                    worst = c.component() + "." + g;
                    worstNeed = shared + group;
                    worstGroup = group;
                    worstShared = shared;
                }
            }
        }
        if (worst == null || worstNeed <= budget) {
            return;
        }
        if (offload == Offload.MODEL) {
            throw new IllegalArgumentException("memoryBudget " + budget + " bytes is smaller than the "
                    + worst + " (" + worstNeed + " bytes) that offload MODEL places at once");
        }
        throw new IllegalArgumentException("memoryBudget " + budget + " bytes is smaller than block "
                + worst + " (" + worstGroup + " bytes, plus " + worstShared
                + " bytes of weights shared by every block of its component)");
    }

    /**
     * With offload NONE every weight of the components is resident for the whole call: counted here (nothing
     * moves) until the returned scope closes. Other modes place weights per stage ({@link #run}).
     *
     * @throws DeviceBudgetExceededException if the weights exceed the budget
     */
    public GroupOnloader.Scope resident() {
        if (offload != Offload.NONE) {
            return () -> { };
        }
        DeviceMemoryAccountant acc = offloader.accountant();
        acc.stage("resident");
        Map<String, Long> placedBytes = new LinkedHashMap<>();
        try {
            for (Offloadable c : components) {
                long bytes = offloader.bytesOf(c.allParameters());
                acc.place(c.component(), bytes);
                placedBytes.put(c.component(), bytes);
            }
        } catch (RuntimeException e) {
            placedBytes.forEach(acc::release);
            throw e;
        }
        return () -> placedBytes.forEach(acc::release);
    }

    /**
     * Runs one stage of {@code component} with its weights placed per the offload mode: NONE leaves them resident
     * ({@link #resident()}), MODEL onloads the component's {@link Offloadable#stageGroups() stage groups} for the
     * stage, BLOCK lets the component onload one group at a time. A component that is not {@link Offloadable}
     * just runs.
     *
     * @param stage names the stage for the accountant's peak, e.g. {@code denoise}
     * @param call the manager the onloaded weights' device managers are created under
     * @throws DeviceBudgetExceededException if a placement would exceed the budget
     */
    public <T> T run(Object component, String stage, NDManager call, Supplier<T> work) {
        if (!(component instanceof Offloadable c)) {
            return work.get();
        }
        offloader.accountant().stage(stage);
        switch (offload) {
            case NONE -> {
                return work.get();
            }
            case MODEL -> {
                try (GroupOnloader.Scope all = offloader.onload(c.component(), "all", c.stageParameters(), call)) {
                    return work.get();
                }
            }
            case BLOCK -> {
                c.blockOffload(offloader);
                try {
                    return work.get();
                } finally {
                    c.blockOffload(null);
                }
            }
            default -> throw new IllegalStateException("offload " + offload);
        }
    }

    /** Peak device bytes per component placed so far, plus {@code total}: the provenance's device peaks. */
    public Map<String, Long> devicePeaks() {
        DeviceMemoryAccountant acc = offloader.accountant();
        Map<String, Long> peaks = new LinkedHashMap<>(acc.peakByComponent());
        peaks.put("total", acc.peakBytes());
        return peaks;
    }
}
