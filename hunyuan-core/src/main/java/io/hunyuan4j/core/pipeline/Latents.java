package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.ops.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Host-side float32 latents, immutable: what a caller passes as diffusers' {@code latents=} argument, and what
 * the seeded noise generator produces. Holding them on the Java heap keeps a {@link GenerationRequest} free of
 * engine memory and safe to share across threads.
 *
 * @param data row-major values
 * @param shape [B, C, T', H', W']
 */
public record Latents(float[] data, long[] shape) {

    /** Checks the shape against the data and copies both. */
    public Latents {
        if (shape.length != 5) {
            throw new IllegalArgumentException("latents shape must be [B, C, T', H', W'] but is "
                    + Arrays.toString(shape));
        }
        long n = 1;
        for (long d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("latents shape must be positive but is " + Arrays.toString(shape));
            }
            // exact: a wrapped product could equal data.length and let a bogus shape through
            n = d > Integer.MAX_VALUE || n * d > Integer.MAX_VALUE ? Long.MAX_VALUE : n * d;
        }
        if (n == Long.MAX_VALUE) {
            throw new IllegalArgumentException("latents shape " + Arrays.toString(shape)
                    + " has more than 2^31 - 1 elements, more than a Java array holds");
        }
        if (n != data.length) {
            throw new IllegalArgumentException("latents data has " + data.length + " values but shape "
                    + Arrays.toString(shape) + " needs " + n);
        }
        data = data.clone();
        shape = shape.clone();
    }

    /** Copies an engine array to the host. */
    public static Latents of(NDArray array) {
        return new Latents(array.toType(DataType.FLOAT32, false).toFloatArray(), array.getShape().getShape());
    }

    /** Creates the engine array in {@code manager}. */
    public NDArray toArray(NDManager manager) {
        return HostArrays.floats(manager, data, new Shape(shape));
    }

    /** {@return a copy of the values} */
    @Override
    public float[] data() {
        return data.clone();
    }

    /** {@return a copy of the shape} */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Latents l && Arrays.equals(data, l.data) && Arrays.equals(shape, l.shape);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "Latents" + Arrays.toString(shape);
    }
}
