package io.hunyuan4j.core.cache;

/**
 * What a step cache did during one generation, summed over its contexts ({@code cond}, {@code uncond}).
 *
 * @param strategy the strategy and its settings, e.g. {@code FirstBlockCache[threshold=0.05]}
 * @param computed forward passes whose block stack ran (for First-Block Cache: beyond the first block)
 * @param skipped forward passes whose block stack was skipped (reused or extrapolated)
 * @param blocksRun transformer blocks run in all forward passes
 * @param blocksSkipped transformer blocks not run; under block offload each is one onload (weight transfer) saved
 */
public record CacheStats(String strategy, int computed, int skipped, long blocksRun, long blocksSkipped) {

    /** Forward passes in total. */
    public int evaluations() {
        return computed + skipped;
    }
}
