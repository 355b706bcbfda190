package io.hunyuan4j.core.ops;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/**
 * Engine arrays made from Java data, owned by the engine. DJL's {@code manager.create(float[])} wraps a Java
 * direct buffer with {@code torch::from_blob} on the CPU, so the data lives in a buffer only the garbage
 * collector frees, long after the array is closed: across many generations native memory then grows until a
 * GC happens. Here the engine allocates the tensor and the data is copied into it through a view, so closing
 * the array (or its manager) frees everything at once.
 */
public final class HostArrays {

    private HostArrays() {}

    /** A float32 array of {@code shape} holding {@code data} (row-major) on {@code manager}'s device. */
    public static NDArray floats(NDManager manager, float[] data, Shape shape) {
        requireSize(data.length, shape);
        return filled(manager, shape, DataType.FLOAT32, b -> b.asFloatBuffer().put(data));
    }

    /** A 1-d float32 array. */
    public static NDArray floats(NDManager manager, float... data) {
        return floats(manager, data, new Shape(data.length));
    }

    /** An int64 array of {@code shape} holding {@code data} (row-major) on {@code manager}'s device. */
    public static NDArray longs(NDManager manager, long[] data, Shape shape) {
        requireSize(data.length, shape);
        return filled(manager, shape, DataType.INT64, b -> b.asLongBuffer().put(data));
    }

    /** A 1-d int64 array. */
    public static NDArray longs(NDManager manager, long... data) {
        return longs(manager, data, new Shape(data.length));
    }

    /** A 0-d float32 array. */
    public static NDArray scalar(NDManager manager, float value) {
        return floats(manager, new float[] {value}, new Shape());
    }

    /** A 0-d int64 array. */
    public static NDArray scalar(NDManager manager, long value) {
        return longs(manager, new long[] {value}, new Shape());
    }

    /** A boolean array of {@code shape} holding {@code data} (row-major) on {@code manager}'s device. */
    public static NDArray booleans(NDManager manager, boolean[] data, Shape shape) {
        requireSize(data.length, shape);
        return filled(manager, shape, DataType.BOOLEAN, b -> {
            for (boolean v : data) {
                b.put((byte) (v ? 1 : 0));
            }
        });
    }

    private interface Fill {
        void into(ByteBuffer view);
    }

    private static NDArray filled(NDManager manager, Shape shape, DataType type, Fill fill) {
        if (manager.getDevice().equals(Device.cpu())) {
            NDArray a = manager.create(shape, type); // engine-allocated, uninitialised
            if (shape.size() > 0) {
                fill.into(a.toByteBuffer(true)); // a view of the tensor's memory on the CPU
            }
            return a;
        }
        // toByteBuffer(true) of a device array is a host copy: fill on the CPU, then move
        try (NDManager cpu = manager.newSubManager(Device.cpu())) {
            NDArray host = filled(cpu, shape, type, fill);
            NDArray moved = host.toDevice(manager.getDevice(), true);
            moved.attach(manager);
            return moved;
        }
    }

    private static void requireSize(int length, Shape shape) {
        if (shape.size() != length) {
            throw new IllegalArgumentException("data has " + length + " values but shape " + shape + " needs "
                    + shape.size());
        }
    }
}
