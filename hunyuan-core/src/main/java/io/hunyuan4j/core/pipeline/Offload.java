package io.hunyuan4j.core.pipeline;

/**
 * Where component weights live between uses, mirroring diffusers' {@code enable_model_cpu_offload()} and
 * block-level group offloading.
 *
 * <p>This release implements {@link #NONE} fully. {@link #MODEL} releases the prompt encoder (the 8B MLLM)
 * right after encoding and reloads it for the next request when the pipeline knows how (a pipeline loaded
 * with {@link VideoPipeline#fromPretrained}); the DiT and VAE stay resident. {@link #BLOCK} is accepted and
 * recorded in the provenance and is otherwise treated like {@link #MODEL}: streaming DiT and VAE blocks is
 * the offload issue's work.
 */
public enum Offload {
    /** Every component stays resident. */
    NONE,
    /** Components are resident only while their stage runs (text, then transformer, then VAE). */
    MODEL,
    /** DiT and VAE blocks are onloaded one at a time. */
    BLOCK;

    /** Parses {@code none|model|block}, case-insensitive. */
    public static Offload parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "none" -> NONE;
            case "model" -> MODEL;
            case "block" -> BLOCK;
            default -> throw new IllegalArgumentException("offload must be none, model or block but is '" + s + "'");
        };
    }
}
