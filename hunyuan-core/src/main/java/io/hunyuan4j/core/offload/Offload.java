package io.hunyuan4j.core.offload;

import io.hunyuan4j.core.weights.LoadMode;
import java.util.Locale;

/**
 * Which weights sit on the compute device while a generation runs (diffusers: no offload,
 * {@code enable_model_cpu_offload}, block-level group offloading).
 */
public enum Offload {
    /** Every component resident for the whole generation. */
    NONE,
    /** One component at a time, in pipeline order text encoders, transformer, VAE. */
    MODEL,
    /** One block (and the prefetched next one) of the running component at a time. */
    BLOCK;

    /** Parses {@code none|model|block}, case-insensitive. */
    /**
     * How weights must be bound under this mode: offloaded weights are released and re-read from the mapped
     * checkpoint, so MODEL and BLOCK need {@link LoadMode#LAZY}; NONE keeps {@code requested}.
     */
    public LoadMode loadMode(LoadMode requested) {
        return this == NONE ? requested : LoadMode.LAZY;
    }

    public static Offload parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown offload mode '" + s + "'; expected none, model or block", e);
        }
    }
}
