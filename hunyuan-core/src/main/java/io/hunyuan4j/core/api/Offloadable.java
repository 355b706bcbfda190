package io.hunyuan4j.core.api;

import io.hunyuan4j.core.weights.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A component whose weights the offloader ({@code io.hunyuan4j.core.offload.Offloader}) can move: it names its
 * onload units (blocks) and, in BLOCK mode, brackets each unit of its forward pass with an onload through the
 * {@link GroupOnloader} it was given.
 */
public interface Offloadable {

    /**
     * Groups parameters into onload units for {@link #parameterGroups()}: {@code order} fixes the first keys (so
     * empty units still appear, in the component's stage order), {@code groupOf} maps a parameter name to its
     * unit; the lists and the map are unmodifiable.
     */
    static Map<String, List<Parameter>> group(List<Parameter> parameters, List<String> order,
            Function<String, String> groupOf) {
        Map<String, List<Parameter>> g = new LinkedHashMap<>();
        for (String k : order) {
            g.put(k, new ArrayList<>());
        }
        for (Parameter p : parameters) {
            g.computeIfAbsent(groupOf.apply(p.name()), k -> new ArrayList<>()).add(p);
        }
        g.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(g);
    }

    /** Accounting label, e.g. {@code transformer}. */
    String component();

    /**
     * The onload units in the order the forward pass uses them, by name (e.g. {@code transformer_blocks.3});
     * {@link #SHARED} holds the weights every forward needs outside the units.
     */
    Map<String, List<Parameter>> parameterGroups();

    /**
     * Installs block-level offload for following forward passes, or removes it with null. The component's
     * weights must be bound LAZY (read on demand from the checkpoint).
     */
    void blockOffload(@Nullable GroupOnloader onloader);

    /** Name of the group of weights used outside the blocks. */
    String SHARED = "shared";

    /** Every parameter, in group order. */
    default List<Parameter> allParameters() {
        return parameterGroups().values().stream().flatMap(List::stream).toList();
    }

    /**
     * The groups the component's pipeline stage enters (the DiT's forward, the VAE's decode), in forward order:
     * what MODEL mode places for the stage and what a BLOCK budget must hold. By default every group; a group
     * left out (e.g. the VAE's encoder) is never placed by the pipeline.
     */
    default List<String> stageGroups() {
        return List.copyOf(parameterGroups().keySet());
    }

    /** The parameters of {@link #stageGroups()}, in order. */
    default List<Parameter> stageParameters() {
        Map<String, List<Parameter>> groups = parameterGroups();
        return stageGroups().stream().flatMap(g -> Objects.requireNonNull(groups.get(g), g).stream()).toList();
    }

    /**
     * Whether released weights can be read again from the checkpoint (bound LAZY), which MODEL and BLOCK offload
     * need. Components that cannot tell return true.
     */
    default boolean reloadable() {
        return true;
    }

    /**
     * The check every {@link #blockOffload} makes before installing an onloader: block offload releases weights
     * after each block and reads them again, which needs them bound LAZY.
     *
     * @throws IllegalStateException naming the component if {@code onloader} is set and it is not
     *     {@link #reloadable()}
     */
    default void requireReloadable(@Nullable GroupOnloader onloader) {
        if (onloader != null && !reloadable()) {
            throw new IllegalStateException("block offload needs the " + component() + "'s weights bound LAZY"
                    + " (re-read from the checkpoint at each onload) but they are bound EAGER");
        }
    }
}
