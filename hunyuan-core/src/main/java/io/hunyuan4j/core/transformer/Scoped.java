package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDResource;
import java.util.function.Supplier;

/**
 * Runs a piece of a forward pass in its own engine scope so that only its result outlives it: the inputs are
 * handed to a fresh sub-manager (ops on them then put their results there), and the result is handed back to
 * the first input's manager. This is what keeps a block's peak at a few token streams instead of every
 * intermediate it ever made (DJL frees nothing until a manager closes).
 *
 * <p>{@code keep*} lends the inputs (they return to their managers); {@code *Consuming} gives them up, so a
 * stream the forward pass no longer needs is freed as soon as its successor exists.
 */
final class Scoped {

    private Scoped() {}

    /** One result; the inputs are lent. */
    static NDArray keep(Supplier<NDArray> body, NDArray... inputs) {
        return run(body, false, inputs);
    }

    /** Several results; the inputs are lent. */
    static NDList keepAll(Supplier<NDList> body, NDArray... inputs) {
        return run(body, false, inputs);
    }

    /** One result; the inputs are consumed. */
    static NDArray keepConsuming(Supplier<NDArray> body, NDArray... inputs) {
        return run(body, true, inputs);
    }

    /** Several results; the inputs are consumed. */
    static NDList keepAllConsuming(Supplier<NDList> body, NDArray... inputs) {
        return run(body, true, inputs);
    }

    private static <T extends NDResource> T run(Supplier<T> body, boolean consume, NDArray... inputs) {
        NDManager parent = inputs[0].getManager();
        try (NDManager scope = parent.newSubManager()) {
            if (consume) {
                scope.attachAll(inputs);
            } else {
                scope.tempAttachAll(inputs);
            }
            T result = body.get();
            result.attach(parent);
            return result;
        }
    }
}
