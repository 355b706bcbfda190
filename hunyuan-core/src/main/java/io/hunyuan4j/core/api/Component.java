package io.hunyuan4j.core.api;

import ai.djl.Device;
import io.hunyuan4j.core.ops.ComputeDtype;
import org.jspecify.annotations.Nullable;

/**
 * What every pipeline component (denoiser, prompt encoder, latent decoder) declares about where it computes, and
 * that it owns native memory until closed.
 */
public interface Component extends AutoCloseable {

    /**
     * The device its weights compute on, or null if it does not say; the pipeline's builder checks a declared
     * device against its own.
     */
    default @Nullable Device device() {
        return null;
    }

    /**
     * The precision it computes in, or null if it does not say; the pipeline's builder checks a declared dtype
     * against its own.
     */
    default @Nullable ComputeDtype computeDtype() {
        return null;
    }

    /** Releases the weights. */
    @Override
    void close();
}
