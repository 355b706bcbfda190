package io.hunyuan4j.core.api;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.ops.ComputeDtype;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns prompts into conditioning for the DiT. Implemented by hunyuan-text (Llama + CLIP); the pipeline only
 * knows this interface.
 */
public interface PromptEncoder extends AutoCloseable {

    /**
     * Encodes a batch of prompts (an empty prompt is allowed).
     *
     * @param prompts one or more prompts
     * @param manager where the returned arrays live
     */
    PromptEmbeds encode(List<String> prompts, NDManager manager);

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

    /** Releases the encoders' weights (the 8B MLLM must not stay resident next to the DiT). */
    @Override
    void close();
}
