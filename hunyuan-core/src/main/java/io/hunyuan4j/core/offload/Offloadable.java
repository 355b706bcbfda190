package io.hunyuan4j.core.offload;

import io.hunyuan4j.core.weights.Parameter;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A component whose weights the {@link Offloader} can move: it names its onload units (blocks) and, in BLOCK
 * mode, brackets each unit of its forward pass with an onload.
 */
public interface Offloadable {

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
    void blockOffload(@Nullable Offloader offloader);

    /** Name of the group of weights used outside the blocks. */
    String SHARED = "shared";

    /** Every parameter, in group order. */
    default List<Parameter> allParameters() {
        return parameterGroups().values().stream().flatMap(List::stream).toList();
    }
}
