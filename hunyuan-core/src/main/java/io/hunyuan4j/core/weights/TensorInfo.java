package io.hunyuan4j.core.weights;

import ai.djl.ndarray.types.Shape;

/**
 * Where one tensor lives in a checkpoint, without its data.
 *
 * @param name state-dict name
 * @param dtype stored element type
 * @param shape stored shape
 * @param file the file holding it (for messages)
 * @param offset absolute byte offset of the first element in {@code file}
 * @param byteLength number of bytes
 */
public record TensorInfo(String name, DType dtype, Shape shape, java.nio.file.Path file, long offset, long byteLength) {

    /** Number of elements. */
    public long size() {
        return shape.size();
    }
}
