package io.hunyuan4j.core.pipeline;

/**
 * Cooperative cancellation of a running {@link VideoPipeline#generate}: the pipeline checks the token (and
 * the thread's interrupt flag) before every denoising step and before decoding. Thread-safe; one token can
 * cancel several calls.
 */
public final class CancellationToken {

    private volatile boolean cancelled;

    /** A token nobody can cancel. */
    public static CancellationToken none() {
        return new CancellationToken();
    }

    /** Requests cancellation; the generation stops at its next check. */
    public void cancel() {
        cancelled = true;
    }

    /** Whether {@link #cancel()} was called. */
    public boolean isCancelled() {
        return cancelled;
    }
}
