package io.hunyuan4j.core.cache;

/**
 * What a step cache did during one generation, summed over its contexts ({@code cond}, {@code uncond}).
 *
 * @param strategy the strategy and its settings, e.g. {@code FirstBlockCache[threshold=0.05]}
 * @param computed forward passes whose block stack ran (for First-Block Cache: beyond the first block); for
 *     TaylorSeer's default mode, whose blocks always run, the passes on which every hooked module computed
 * @param skipped forward passes whose block stack was skipped (reused or extrapolated); for TaylorSeer's default
 *     mode the passes on which the hooked modules were forecast while the blocks ran
 * @param blocksRun transformer blocks run in all forward passes
 * @param blocksSkipped transformer blocks not run; under block offload each is one onload (weight transfer) saved
 * @param modulesComputed calls of the submodules a strategy hooks (TaylorSeer: {@code proj_out} in lite mode,
 *     the blocks' attention modules in the default mode) that computed their outputs
 * @param modulesPredicted calls of hooked submodules whose outputs were forecast instead (or, for TaylorSeer's
 *     skip-predict modules, replaced by zeros); 0 for the strategies that hook no submodule
 */
public record CacheStats(String strategy, int computed, int skipped, long blocksRun, long blocksSkipped,
        long modulesComputed, long modulesPredicted) {

    /** Forward passes in total. */
    public int evaluations() {
        return computed + skipped;
    }
}
