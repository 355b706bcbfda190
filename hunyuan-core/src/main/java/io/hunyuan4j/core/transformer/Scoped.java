package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.function.Supplier;

/**
 * Runs a piece of a forward pass in its own engine scope so that only its result outlives it: the inputs are
 * lent to a fresh sub-manager (ops on them then put their results there), and the result is handed back to
 * the first input's manager. This is what keeps a block's peak at a few token streams instead of every
 * intermediate it ever made (DJL frees nothing until a manager closes).
 */
final class Scoped {

    private Scoped() {}

    /** One result, in {@code inputs[0]}'s manager. */
    static NDArray keep(Supplier<NDArray> body, NDArray... inputs) {
        NDManager parent = inputs[0].getManager();
        try (NDManager scope = parent.newSubManager()) {
            scope.tempAttachAll(inputs);
            NDArray result = body.get();
            result.attach(parent);
            return result;
        }
    }

    /** Several results, in {@code inputs[0]}'s manager. */
    static NDList keepAll(Supplier<NDList> body, NDArray... inputs) {
        NDManager parent = inputs[0].getManager();
        try (NDManager scope = parent.newSubManager()) {
            scope.tempAttachAll(inputs);
            NDList result = body.get();
            result.attach(parent);
            return result;
        }
    }

    /**
     * One result, in {@code inputs[0]}'s manager; the inputs are consumed: they die with the scope, so a
     * stream the forward pass no longer needs is freed as soon as its successor exists.
     */
    static NDArray keepConsuming(Supplier<NDArray> body, NDArray... inputs) {
        NDManager parent = inputs[0].getManager();
        try (NDManager scope = parent.newSubManager()) {
            scope.attachAll(inputs);
            NDArray result = body.get();
            result.attach(parent);
            return result;
        }
    }

    /** Several results, in {@code inputs[0]}'s manager; the inputs are consumed (see above). */
    static NDList keepAllConsuming(Supplier<NDList> body, NDArray... inputs) {
        NDManager parent = inputs[0].getManager();
        try (NDManager scope = parent.newSubManager()) {
            scope.attachAll(inputs);
            NDList result = body.get();
            result.attach(parent);
            return result;
        }
    }
}
