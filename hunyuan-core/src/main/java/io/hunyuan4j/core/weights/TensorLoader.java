package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** Turns one stored tensor into the array a module computes with (dtype policy lives here). */
@FunctionalInterface
public interface TensorLoader {

    /** Loads {@code name} from {@code source} into {@code manager}. */
    NDArray load(TensorSource source, String name, NDManager manager);

    /** Bytes per element of the floating tensors this loader makes: what a weight costs once loaded. */
    default int elementBytes() {
        return 4;
    }

    /** Float32 for every tensor: the reference's precision. */
    static TensorLoader float32() {
        return (source, name, manager) -> source.load(name, manager, DataType.FLOAT32);
    }
}
