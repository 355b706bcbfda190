package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.Closeable;
import java.util.Set;

/**
 * A read-only, named collection of tensors: one safetensors file ({@link SafetensorsFile}), a sharded
 * checkpoint ({@link ShardedSafetensors}) or tensors built in memory ({@link InMemoryTensors}). Tensors are
 * read only when asked for, by name.
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
     * @param dtype FLOAT32, FLOAT16, FLOAT64, INT64, INT32, INT8, UINT8 or BOOLEAN. bf16 tensors are widened
     *     exactly to FLOAT32 ({@code bits << 16}); asked for as FLOAT16 they arrive as raw bf16 bits for the ops
     *     layer's bf16 path. Other conversions are torch's ({@code toType}).
     * @throws IllegalArgumentException for BFLOAT16, INT16, UINT16, UINT32, UINT64 or UNKNOWN, which abort the
     *     JVM in DJL 0.35, naming the tensor and the supported types
     * @throws java.util.NoSuchElementException if there is no such tensor
     */
    NDArray load(String name, NDManager manager, DataType dtype);

    /** Releases file mappings. Arrays already loaded stay valid. */
    @Override
    void close();
}
