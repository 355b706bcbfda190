package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.Closeable;
import java.util.Set;

/**
 * A read-only, named collection of tensors: one safetensors file or a sharded checkpoint. Tensors are read
 * only when asked for, by name.
 */
public interface TensorSource extends Closeable {

    /** All tensor names, in a stable order. */
    Set<String> names();

    /**
     * Location and shape of one tensor.
     *
     * @throws java.util.NoSuchElementException if there is no such tensor
     */
    TensorInfo info(String name);

    /**
     * Materialises one tensor into {@code manager}, converted to {@code dtype}.
     *
     * @param dtype FLOAT32, FLOAT16, INT64 or BOOLEAN (bf16 tensors are widened exactly to FLOAT32;
     *     DJL's BFLOAT16 aborts the JVM and is rejected with an exception)
     */
    NDArray load(String name, NDManager manager, DataType dtype);

    /** Releases file mappings. Arrays already loaded stay valid. */
    @Override
    void close();
}
