package io.hunyuan4j.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDResource;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The one per-block memory scope of every model (STYLE P6, DJL's BertBlock idiom): a piece of a forward pass runs
 * in a fresh sub-manager to which its inputs are handed (ops on them then put their results there), and only its
 * result goes back to the first input's manager. This keeps a block's peak at a few activations instead of every
 * intermediate it ever made (DJL frees nothing until a manager closes).
 *
 * <p>{@code keep*} and {@link #apply} lend the inputs (they return to their managers); {@code *Consuming} and
 * {@link #consume} give them up, so an activation the forward pass no longer needs is freed as soon as its
 * successor exists; {@link #run} does both at once.
 */
public final class Scoped {

    private Scoped() {}

    /** One result; the inputs are lent. */
    public static NDArray keep(Supplier<NDArray> body, NDArray... inputs) {
        return run(body, new NDArray[0], inputs);
    }

    /** Several results; the inputs are lent. */
    public static NDList keepAll(Supplier<NDList> body, NDArray... inputs) {
        return run(body, new NDArray[0], inputs);
    }

    /** One result; the inputs are consumed. */
    public static NDArray keepConsuming(Supplier<NDArray> body, NDArray... inputs) {
        return run(body, inputs, new NDArray[0]);
    }

    /** Several results; the inputs are consumed. */
    public static NDList keepAllConsuming(Supplier<NDList> body, NDArray... inputs) {
        return run(body, inputs, new NDArray[0]);
    }

    /** {@code stage(x)}, keeping {@code x} alive for the caller (e.g. a residual). */
    public static NDArray apply(NDArray x, UnaryOperator<NDArray> stage) {
        return keep(() -> stage.apply(x), x);
    }

    /** {@code stage(x)}, freeing {@code x} afterwards: the caller must not use {@code x} again. */
    public static NDArray consume(NDArray x, UnaryOperator<NDArray> stage) {
        return keepConsuming(() -> stage.apply(x), x);
    }

    /**
     * The general form: {@code consumed} are freed with the scope, {@code lent} return to their managers; the
     * result goes to the manager of the first consumed (else the first lent) input.
     */
    public static <T extends NDResource> T run(Supplier<T> body, NDArray[] consumed, NDArray[] lent) {
        NDManager parent = (consumed.length > 0 ? consumed[0] : lent[0]).getManager();
        try (NDManager scope = parent.newSubManager()) {
            if (consumed.length > 0) {
                scope.attachAll(consumed);
            }
            if (lent.length > 0) {
                scope.tempAttachAll(lent);
            }
            T result = body.get();
            result.attach(parent);
            return result;
        }
    }
}
