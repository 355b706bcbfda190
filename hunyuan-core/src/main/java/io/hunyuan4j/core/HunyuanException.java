package io.hunyuan4j.core;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception the SDK throws on purpose: a bad config ({@code ConfigException}), a malformed
 * checkpoint ({@code SafetensorsException}), weights that do not fit the model ({@code CheckpointMismatchException}),
 * a bad tokenizer ({@code TokenizerException}), a placement over the device budget
 * ({@code DeviceBudgetExceededException}), a cancelled generation ({@code GenerationCancelledException}). Thrown
 * itself, it means a generation stage failed in the engine: the message names the stage and the cause is kept.
 *
 * <p>Invalid arguments passed by the caller are {@link IllegalArgumentException}s, as in the JDK.
 */
public class HunyuanException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A stage failure; {@code message} names the stage, {@code cause} is the engine's exception. */
    public HunyuanException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /** A failure described by {@code message}. */
    public HunyuanException(String message) {
        super(message);
    }
}
