package io.hunyuan4j.spark;

import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipelines of this executor JVM: one per {@link Key} (model location, precision, offload, device), loaded by
 * the first task that needs it, reused by every later task and partition, closed by a JVM shutdown hook; and one
 * lock per device, so one generation at a time runs on a device whatever the number of task slots.
 *
 * <p>This is the one place of the SDK with JVM-wide mutable state, on purpose: a Spark executor is a JVM that runs
 * tasks (each a deserialized closure) on a thread pool, and Spark gives user code no executor-lifetime object to
 * keep a multi-gigabyte model in. A static holder, keyed, is the idiom for that.
 */
final class ExecutorPipelines {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorPipelines.class);
    /** How long the shutdown hook waits for a running generation before it leaves the pipeline to the OS. */
    private static final long CLOSE_WAIT_SECONDS = 10;

    private static final Map<Key, Loaded> PIPELINES = new ConcurrentHashMap<>();
    private static final Map<String, ReentrantLock> DEVICE_LOCKS = new ConcurrentHashMap<>();
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final AtomicBoolean HOOK_ADDED = new AtomicBoolean();

    private ExecutorPipelines() {}

    /**
     * What makes two pipelines interchangeable.
     *
     * @param model the model location as given, or null for the embedded tiny model
     * @param computeDtype precision
     * @param offload offload mode
     * @param device DJL's device name, e.g. {@code cpu()} or {@code gpu(0)}
     */
    record Key(@Nullable String model, ComputeDtype computeDtype, Offload offload, String device) { }

    /**
     * A loaded pipeline.
     *
     * @param pipeline the pipeline
     * @param instance its number in this JVM, from 1
     * @param loadMillis how long loading took
     */
    record Loaded(VideoPipeline pipeline, int instance, long loadMillis) { }

    /**
     * A pipeline handed to a task.
     *
     * @param loaded the pipeline
     * @param loadedNow whether this call loaded it (so the load time is reported once)
     */
    record Lease(Loaded loaded, boolean loadedNow) { }

    /**
     * The pipeline for {@code key}, loading it with {@code loader} if this JVM has none yet. Concurrent callers
     * with the same key wait for the one load; a failed load is not kept, so a later task tries again.
     */
    static Lease get(Key key, Supplier<VideoPipeline> loader) {
        AtomicBoolean loadedNow = new AtomicBoolean();
        Loaded loaded = PIPELINES.computeIfAbsent(key, k -> {
            addShutdownHook();
            long t0 = System.nanoTime();
            VideoPipeline p = loader.get();
            loadedNow.set(true);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            int instance = INSTANCES.incrementAndGet();
            LOG.info("loaded pipeline {} for {} in {} ms", instance, k, ms);
            return new Loaded(p, instance, ms);
        });
        return new Lease(loaded, loadedNow.get());
    }

    /** The lock that admits one generation at a time on {@code device}. */
    static ReentrantLock deviceLock(String device) {
        return DEVICE_LOCKS.computeIfAbsent(device, d -> new ReentrantLock(true));
    }

    private static void addShutdownHook() {
        if (HOOK_ADDED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(ExecutorPipelines::closeAll, "hunyuan4j-close-pipelines"));
        }
    }

    /** Closes every pipeline whose device is idle within {@link #CLOSE_WAIT_SECONDS}; the OS reclaims the rest. */
    private static void closeAll() {
        for (Map.Entry<Key, Loaded> e : PIPELINES.entrySet()) {
            ReentrantLock lock = deviceLock(e.getKey().device());
            try {
                if (lock.tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    try {
                        e.getValue().pipeline().close();
                    } finally {
                        lock.unlock();
                    }
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException failed) {
                LOG.warn("closing pipeline {} at shutdown failed: {}", e.getKey(), failed.toString());
            }
        }
        PIPELINES.clear();
    }
}
