package io.hunyuan4j.core.offload;

import io.hunyuan4j.core.offload.MemoryPlanner.MemoryPlan;
import io.hunyuan4j.core.offload.MemoryPlanner.PlanRequest;
import io.hunyuan4j.core.offload.MemoryPlanner.StageUsage;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The device-memory plan of a family whose generation is a sequence of stages, each using one component (text
 * encoding, denoising, decoding): the families other than HunyuanVideo, whose {@link MemoryPlanner} knows its
 * own components by name. Weights come from the published checkpoint's manifest; activations are each family's
 * model of its stage (documented where the stages are built). Per offload mode, for stage s with weights W_s,
 * shared weights S_s, largest block B_s and activations A_s:
 * <ul>
 *   <li>NONE: every component's weights stay resident, so sum(W) + A_s;</li>
 *   <li>MODEL: one component at a time, W_s + A_s;</li>
 *   <li>BLOCK: S_s + 2 B_s + A_s (the running block and the prefetched next one, as the HunyuanVideo plan).</li>
 * </ul>
 */
public final class StagePlanner {

    /**
     * One stage.
     *
     * @param name e.g. {@code transformer (denoise)}
     * @param weights the component's manifest
     * @param blockOf a parameter name to its onload unit ({@link io.hunyuan4j.core.api.Offloadable#SHARED} for the
     *     weights every call needs)
     * @param bytesPerElement how the weights are held (2 for bf16, 4 for float32, e.g. a VAE kept in float32)
     * @param activationBytes the stage's modelled activation peak
     * @param sharedBytesPerElement how the {@link io.hunyuan4j.core.api.Offloadable#SHARED} weights are held (a
     *     bf16 denoiser that keeps its embeddings and output layers in float32: 4)
     */
    public record Stage(String name, Manifest weights, Function<String, String> blockOf, int bytesPerElement,
            long activationBytes, int sharedBytesPerElement) {

        /** Every weight, shared ones included, held at {@code bytesPerElement}. */
        public Stage(String name, Manifest weights, Function<String, String> blockOf, int bytesPerElement,
                long activationBytes) {
            this(name, weights, blockOf, bytesPerElement, activationBytes, bytesPerElement);
        }

        long weightBytes() {
            return blockBytes().values().stream().mapToLong(Long::longValue).sum();
        }

        Map<String, Long> blockBytes() {
            Map<String, Long> b = new LinkedHashMap<>();
            weights.tensors().forEach((n, s) -> {
                String unit = blockOf.apply(n);
                int e = unit.equals(io.hunyuan4j.core.api.Offloadable.SHARED) ? sharedBytesPerElement
                        : bytesPerElement;
                b.merge(unit, s.size() * e, Long::sum);
            });
            return b;
        }
    }

    private StagePlanner() {}

    /**
     * Plans {@code stages} for {@code request}'s offload mode and budget.
     *
     * @throws IllegalArgumentException if there is no stage
     */
    public static MemoryPlan plan(PlanRequest request, List<Stage> stages) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a plan needs at least one stage");
        }
        long allWeights = stages.stream().mapToLong(Stage::weightBytes).sum();
        List<StageUsage> usages = new ArrayList<>();
        Map.Entry<String, Long> largest = new AbstractMap.SimpleImmutableEntry<>("", 0L);
        for (Stage s : stages) {
            Map<String, Long> blocks = s.blockBytes();
            long shared = blocks.getOrDefault(io.hunyuan4j.core.api.Offloadable.SHARED, 0L);
            Map.Entry<String, Long> biggest = blocks.entrySet().stream()
                    .filter(e -> !e.getKey().equals(io.hunyuan4j.core.api.Offloadable.SHARED))
                    .max(Map.Entry.comparingByValue())
                    .orElse(new AbstractMap.SimpleImmutableEntry<>(s.weights().component(), 0L));
            if (biggest.getValue() > largest.getValue()) {
                largest = new AbstractMap.SimpleImmutableEntry<>(s.weights().component() + "." + biggest.getKey(),
                        biggest.getValue());
            }
            long weights = switch (request.offload()) {
                case NONE -> allWeights;
                case MODEL -> s.weightBytes();
                case BLOCK -> shared + 2 * biggest.getValue();
            };
            usages.add(new StageUsage(s.name(), weights, s.activationBytes(), weights + s.activationBytes()));
        }
        StageUsage peak = usages.stream().max((a, b) -> Long.compare(a.peakBytes(), b.peakBytes())).orElseThrow();
        return new MemoryPlan(request, List.copyOf(usages), peak.peakBytes(), peak.stage(), largest);
    }
}
