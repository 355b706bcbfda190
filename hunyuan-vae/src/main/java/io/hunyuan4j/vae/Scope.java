package io.hunyuan4j.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.UnaryOperator;

/**
 * The per-block memory scope (STYLE P6, DJL's BertBlock idiom): a stage runs in a sub-manager of its input, so
 * every intermediate it creates is freed when it returns, and only its result moves up to the input's manager.
 */
final class Scope {

    private Scope() {}

    /**
     * Runs {@code stage} on {@code x}, keeping {@code x} alive for the caller (e.g. a residual).
     *
     * @return the stage's result, in {@code x}'s manager
     */
    static NDArray apply(NDArray x, UnaryOperator<NDArray> stage) {
        try (NDManager scope = NDManager.subManagerOf(x)) {
            scope.tempAttachAll(x);
            return scope.ret(stage.apply(x));
        }
    }

    /**
     * Runs {@code stage} on {@code x} and frees {@code x} afterwards: for a chain of stages where only the newest
     * activation is needed. The caller must not use {@code x} again.
     *
     * @return the stage's result, in the manager {@code x} was in
     */
    static NDArray consume(NDArray x, UnaryOperator<NDArray> stage) {
        try (NDManager scope = NDManager.subManagerOf(x)) {
            scope.attachAll(x);
            return scope.ret(stage.apply(x));
        }
    }
}
