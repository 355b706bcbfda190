package io.hunyuan4j.core.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One generation's cache state: a {@link CacheContext} per context name, created on first use (diffusers'
 * {@code StateManager}), and the manager of the tensors kept between steps. Not thread-safe: one generation uses
 * it at a time. Closing it frees every kept tensor.
 *
 * <pre>{@code
 * try (CacheSession session = new FirstBlockCache(0.05).session(50)) {
 *     NDArray cond = dit.forward(input, session.context("cond"));
 * }
 * }</pre>
 */
public final class CacheSession implements AutoCloseable {

    private final StepCache strategy;
    private final Function<CacheSession, CacheContext> factory;
    private final Map<String, CacheContext> contexts = new LinkedHashMap<>();
    private @Nullable NDManager manager;

    CacheSession(StepCache strategy, Function<CacheSession, CacheContext> factory) {
        this.strategy = strategy;
        this.factory = factory;
    }

    /** The state for {@code name} ({@code cond}, {@code uncond}), created empty on first use. */
    public CacheContext context(String name) {
        return contexts.computeIfAbsent(name, n -> factory.apply(this));
    }

    /** The strategy this session runs. */
    public StepCache strategy() {
        return strategy;
    }

    /**
     * Forward passes computed and skipped, blocks run and skipped, and hooked modules computed and predicted, over
     * every context so far.
     */
    public CacheStats stats() {
        int computed = 0;
        int skipped = 0;
        long blocksRun = 0;
        long blocksSkipped = 0;
        long modulesComputed = 0;
        long modulesPredicted = 0;
        for (CacheContext c : contexts.values()) {
            computed += c.computed();
            skipped += c.skipped();
            blocksRun += c.blocksRun();
            blocksSkipped += c.blocksSkipped();
            modulesComputed += c.modulesComputed();
            modulesPredicted += c.modulesPredicted();
        }
        return new CacheStats(strategy.toString(), computed, skipped, blocksRun, blocksSkipped, modulesComputed,
                modulesPredicted);
    }

    /** The manager for kept tensors, created on the device of the first one. */
    NDManager manager(NDArray like) {
        if (manager == null) {
            manager = NDManager.newBaseManager(like.getDevice());
            manager.setName("step-cache");
        }
        return manager;
    }

    /** Frees every tensor kept between steps. */
    @Override
    public void close() {
        if (manager != null) {
            manager.close();
            manager = null;
        }
        contexts.clear();
    }
}
