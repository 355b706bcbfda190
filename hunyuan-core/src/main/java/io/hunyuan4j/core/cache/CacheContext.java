package io.hunyuan4j.core.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.ops.F;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The state of one strategy in one context of a generation (diffusers' per-{@code cache_context} state): what
 * a denoiser consults around its block stack and its output projection. Tensors it keeps between steps live in
 * the session's manager and die with the session.
 */
public abstract class CacheContext {

    private final CacheSession session;
    private int computed;
    private int skipped;
    private long blocksRun;
    private long blocksSkipped;
    private long modulesComputed;
    private long modulesPredicted;

    /** A context of {@code session}. */
    protected CacheContext(CacheSession session) {
        this.session = session;
    }

    /**
     * Runs, skips or approximates the block stack for one forward pass.
     *
     * @param stack the forward pass's blocks
     * @param in the streams entering the first block; consumed
     * @return the streams leaving the last block (or their cached approximation), in {@code stack.manager()}
     */
    public final BlockStreams blocks(BlockStack stack, BlockStreams in) {
        Counting counting = new Counting(stack);
        BlockStreams out = decideAndRun(counting, in);
        blocksRun += counting.run;
        blocksSkipped += stack.size() - counting.run;
        return out;
    }

    /** The strategy's work for {@link #blocks}; runs blocks through {@code stack} only. */
    protected abstract BlockStreams decideAndRun(BlockStack stack, BlockStreams in);

    /**
     * The output projection ({@code proj_out}) of the forward pass whose blocks {@link #blocks} just handled:
     * computed by {@code projOut}, or predicted by a strategy that caches it (TaylorSeer's lite mode).
     *
     * @param manager where a predicted result must live
     */
    public NDArray output(Supplier<NDArray> projOut, NDManager manager) {
        return projOut.get();
    }

    /**
     * The hook of the submodule {@code name} (diffusers' module name, e.g. {@code transformer_blocks.0.attn}) for
     * the forward pass whose blocks {@link #blocks} is running: {@link ModuleHook#NONE} unless the strategy
     * caches that module (TaylorSeer's default mode).
     */
    public ModuleHook moduleHook(String name) {
        return ModuleHook.NONE;
    }

    /** Records one call of a hooked submodule that computed its outputs. */
    protected final void countModuleComputed() {
        modulesComputed++;
    }

    /** Records one call of a hooked submodule whose outputs were predicted. */
    protected final void countModulePredicted() {
        modulesPredicted++;
    }

    /** Records one forward pass whose block stack ran. */
    protected final void countComputed() {
        computed++;
    }

    /** Records one forward pass whose block stack was skipped. */
    protected final void countSkipped() {
        skipped++;
    }

    /** Forward passes whose block stack ran. */
    public final int computed() {
        return computed;
    }

    /** Forward passes whose block stack was skipped. */
    public final int skipped() {
        return skipped;
    }

    final long blocksRun() {
        return blocksRun;
    }

    final long blocksSkipped() {
        return blocksSkipped;
    }

    final long modulesComputed() {
        return modulesComputed;
    }

    final long modulesPredicted() {
        return modulesPredicted;
    }

    /**
     * Keeps {@code next} across steps (moves it into the session's manager) and frees {@code previous}.
     *
     * @return {@code next}
     */
    protected final NDArray keep(@Nullable NDArray previous, NDArray next) {
        next.attach(session.manager(next));
        if (previous != null && previous != next) {
            previous.close();
        }
        return next;
    }

    /**
     * {@code mean|current - previous| / mean|previous|} in float32, the relative L1 distance FBC, TeaCache and
     * diffusers compute with {@code .abs().mean()}.
     */
    protected static double relativeL1(NDArray current, NDArray previous) {
        try (NDManager scratch = current.getManager().newSubManager()) {
            NDArray c = F.toFloat32(current);
            NDArray p = F.toFloat32(previous);
            NDArray d = c.sub(p);
            d.attach(scratch);
            if (c != current) {
                c.attach(scratch);
            }
            NDArray num = d.abs();
            num.attach(scratch);
            NDArray den = p.abs();
            den.attach(scratch);
            if (p != previous) {
                p.attach(scratch);
            }
            NDArray ratio = num.mean().div(den.mean());
            ratio.attach(scratch);
            return ratio.getFloat();
        }
    }

    /** Counts the blocks a strategy runs. */
    private static final class Counting implements BlockStack {
        private final BlockStack stack;
        private int run;

        Counting(BlockStack stack) {
            this.stack = stack;
        }

        @Override
        public int size() {
            return stack.size();
        }

        @Override
        public BlockStreams run(int from, int to, BlockStreams in) {
            run += to - from;
            return stack.run(from, to, in);
        }

        @Override
        public NDArray modulatedInput(NDArray hiddenStates) {
            return stack.modulatedInput(hiddenStates);
        }

        @Override
        public NDManager manager() {
            return stack.manager();
        }

        @Override
        public java.util.List<String> hookableModules() {
            return stack.hookableModules();
        }
    }
}
