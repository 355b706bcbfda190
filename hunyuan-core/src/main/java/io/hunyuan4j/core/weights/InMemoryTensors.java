package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Tensors held on the Java heap, so tiny models can be built, bound and run with no files. Each tensor is
 * stored exactly as a safetensors file would store it (little-endian bytes of its {@link DType}), so a model
 * bound from memory sees the same values, bf16 rounding included, as one bound from a file written with
 * {@link SafetensorsWriter#addAll(TensorSource)}; loading goes through the same conversion code.
 *
 * <pre>{@code
 * InMemoryTensors w = InMemoryTensors.builder().seed(0)
 *         .normal("proj.weight", 0.02f, DType.F32, 32, 16)
 *         .constant("norm.weight", 1f, DType.F32, 16)
 *         .put("pos", new long[] {0, 1, 2}, DType.I64, 3)
 *         .build();
 * StateDict sd = StateDict.load(w, manager, LoadMode.EAGER, TensorLoader.float32(), "tiny/");
 * }</pre>
 *
 * <p>Immutable and thread-safe once built. Each tensor is limited to 2 GiB.
 */
public final class InMemoryTensors extends IndexedTensors {

    private final Path label;
    private final Map<String, byte[]> data;

    private InMemoryTensors(Path label, Map<String, TensorInfo> infos, Map<String, byte[]> data) {
        super(infos, label.toString());
        this.label = label;
        this.data = data;
    }

    /** A builder with seed 0 for the random helpers and the label {@code in-memory}. */
    public static Builder builder() {
        return new Builder();
    }



    /** {@inheritDoc} */
    @Override
    public NDArray load(String name, NDManager manager, DataType dtype) {
        TensorInfo info = info(name);
        return TensorReader.read((dst, offset) -> readRaw(name, dst, offset), info, manager, dtype,
                TensorReader.DEFAULT_CHUNK_BYTES);
    }

    /**
     * The values of a floating tensor as float32, decoded on the heap (exact: every stored dtype widens
     * exactly except F64, which rounds). For test references.
     *
     * @throws IllegalArgumentException if the tensor is not floating
     */
    public float[] toFloatArray(String name) {
        TensorInfo info = info(name);
        ByteBuffer b = ByteBuffer.wrap(data.get(name)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[Math.toIntExact(info.size())];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (info.dtype()) {
                case F32 -> b.getFloat();
                case F64 -> (float) b.getDouble();
                case BF16 -> HalfFloats.bf16ToFloat(b.getShort());
                case F16 -> HalfFloats.f16ToFloat(b.getShort());
                case F8_E4M3, F8_E5M2 -> Float8.of(info.dtype()).toFloat(b.get());
                default -> throw new IllegalArgumentException(label + " [" + name + "]: " + info.dtype()
                        + " is not a floating dtype");
            };
        }
        return out;
    }

    /** {@inheritDoc} */
    @Override
    public void readRaw(String name, ByteBuffer dst, long offset) {
        info(name);
        byte[] bytes = Objects.requireNonNull(data.get(name), name); // info(name) rejected unknown names
        int from = (int) Math.min(offset, bytes.length);
        dst.put(bytes, from, Math.min(dst.remaining(), bytes.length - from));
    }

    /** Nothing to release. */
    @Override
    public void close() {
        // heap data is reclaimed with this object
    }

    /** Collects tensors by name; {@link #build()} freezes them. */
    public static final class Builder {
        private final Map<String, TensorInfo> infos = new LinkedHashMap<>();
        private final Map<String, byte[]> data = new LinkedHashMap<>();
        private Path label = Path.of("in-memory");
        private SplittableRandom random = new SplittableRandom(0);

        private Builder() {}

        /** Names this source in messages (default {@code in-memory}). */
        public Builder label(String label) {
            this.label = Path.of(label);
            return this;
        }

        /**
         * Restarts the generator of {@link #normal} and {@link #uniform}: the same seed and the same sequence
         * of calls give the same values on every JVM.
         */
        public Builder seed(long seed) {
            this.random = new SplittableRandom(seed);
            return this;
        }

        /**
         * Adds a floating tensor from float32 values (copied, then rounded to {@code dtype}).
         *
         * @param dtype F32, F64, F16 or BF16
         */
        public Builder put(String name, float[] values, DType dtype, long... shape) {
            ElementCodec.requireFloating(name, dtype);
            ByteBuffer b = allocate(name, dtype, shape, values.length);
            ElementCodec.putFloats(dtype, values, 0, values.length, b);
            return add(name, dtype, shape, b);
        }

        /**
         * Adds an integer or boolean tensor.
         *
         * @param dtype I64, I32, I16, I8, U8 or BOOL; each value must fit it
         */
        public Builder put(String name, long[] values, DType dtype, long... shape) {
            ElementCodec.requireIntegral(name, dtype);
            ByteBuffer b = allocate(name, dtype, shape, values.length);
            ElementCodec.putLongs(name, dtype, values, 0, values.length, b);
            return add(name, dtype, shape, b);
        }

        /**
         * Adds a copy of an array's values, stored as {@code dtype} (floating arrays read as float32, others as
         * int64). The array is not kept.
         */
        public Builder put(String name, NDArray array, DType dtype) {
            long[] shape = array.getShape().getShape();
            DataType t = array.getDataType();
            if (t.isFloating() || t == DataType.UNKNOWN) {
                try (NDArray f = array.toType(DataType.FLOAT32, true)) {
                    return put(name, f.toFloatArray(), dtype, shape);
                }
            }
            try (NDArray l = array.toType(DataType.INT64, true)) {
                return put(name, l.toLongArray(), dtype, shape);
            }
        }

        /** Adds a tensor of normal(0, std) values from this builder's seeded generator. */
        public Builder normal(String name, float std, DType dtype, long... shape) {
            if (!(std >= 0) || Float.isInfinite(std)) {
                throw new IllegalArgumentException("tensor '" + name + "': std " + std + " must be finite and >= 0");
            }
            float[] v = new float[count(name, shape)];
            for (int i = 0; i < v.length; i += 2) {
                // Box-Muller on SplittableRandom: stable across JDKs, unlike nextGaussian's algorithm choice
                double u1 = 1.0 - random.nextDouble();
                double u2 = random.nextDouble();
                double r = Math.sqrt(-2.0 * Math.log(u1));
                v[i] = (float) (std * r * Math.cos(2 * Math.PI * u2));
                if (i + 1 < v.length) {
                    v[i + 1] = (float) (std * r * Math.sin(2 * Math.PI * u2));
                }
            }
            return put(name, v, dtype, shape);
        }

        /** Adds a tensor of uniform values in {@code [low, high)} from this builder's seeded generator. */
        public Builder uniform(String name, float low, float high, DType dtype, long... shape) {
            if (!(low < high)) {
                throw new IllegalArgumentException("tensor '" + name + "': low " + low + " must be below high "
                        + high);
            }
            float[] v = new float[count(name, shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (low + (high - low) * random.nextDouble());
            }
            return put(name, v, dtype, shape);
        }

        /** Adds a tensor with every element equal to {@code value} (e.g. ones for a norm weight). */
        public Builder constant(String name, float value, DType dtype, long... shape) {
            float[] v = new float[count(name, shape)];
            java.util.Arrays.fill(v, value);
            return put(name, v, dtype, shape);
        }

        /**
         * Adds float32 tensors of the given names and shapes, in map order, drawn from this builder's seeded
         * generator by {@link RandomWeights}' scheme: 1-D norm weights 1 ({@link #constant}), other 1-D tensors
         * N(0, 0.05^2), the rest N(0, s^2) with {@code s = clamp(1/sqrt(fan_in), 0.02, 0.2)} ({@link #normal}).
         * For tiny models held on the heap; {@link RandomWeights} generates large ones on load instead.
         */
        public Builder randomLike(Map<String, Shape> shapes) {
            for (Map.Entry<String, Shape> e : shapes.entrySet()) {
                String name = e.getKey();
                long[] shape = e.getValue().getShape();
                if (RandomWeights.isNormWeight(name, shape)) {
                    constant(name, 1f, DType.F32, shape);
                } else {
                    normal(name, RandomWeights.std(shape), DType.F32, shape);
                }
            }
            return this;
        }

        /** Freezes the tensors added so far. */
        public InMemoryTensors build() {
            return new InMemoryTensors(label, Collections.unmodifiableMap(new LinkedHashMap<>(infos)),
                    Collections.unmodifiableMap(new LinkedHashMap<>(data)));
        }

        private static int count(String name, long[] shape) {
            long n = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape "
                            + java.util.Arrays.toString(shape));
                }
                n = Math.multiplyExact(n, d);
            }
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor '" + name + "': " + n
                        + " elements exceed what an in-memory tensor holds; write a file instead");
            }
            return (int) n;
        }

        private ByteBuffer allocate(String name, DType dtype, long[] shape, int values) {
            if (name.isEmpty() || name.equals("__metadata__")) {
                throw new IllegalArgumentException("tensor name '" + name + "' is reserved or empty");
            }
            if (infos.containsKey(name)) {
                throw new IllegalArgumentException("tensor '" + name + "' was already added");
            }
            int n = count(name, shape);
            if (n != values) {
                throw new IllegalArgumentException("tensor '" + name + "': " + values
                        + " values do not fill shape " + java.util.Arrays.toString(shape) + " (" + n + " elements)");
            }
            long bytes = (long) n * dtype.byteSize();
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor '" + name + "': " + bytes
                        + " bytes exceed what an in-memory tensor holds; write a file instead");
            }
            return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        private Builder add(String name, DType dtype, long[] shape, ByteBuffer b) {
            byte[] bytes = b.array();
            infos.put(name, new TensorInfo(name, dtype, new Shape(shape.clone()), label, 0, bytes.length));
            data.put(name, bytes);
            return this;
        }
    }
}
