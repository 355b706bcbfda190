package io.hunyuan4j.core.weights;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded random float32 weights generated on each load, named and shaped as a checkpoint, for benchmarks and
 * real-size tests where writing (or holding on the heap) gigabytes of weights is not worth it. Nothing is kept:
 * a tensor exists only once loaded, in native memory, so a LAZY binding holds just what it has loaded.
 *
 * <p>The initialisation scheme, shared with {@link InMemoryTensors.Builder#randomLike} (which draws the same
 * scheme in call order onto the heap, for tiny models): 1-D norm weights (a name containing {@code norm} and
 * ending in {@code weight}) are 1, other 1-D tensors (biases) N(0, 0.05^2), matrices, kernels and embeddings
 * N(0, s^2) with {@code s = clamp(1/sqrt(fan_in), 0.02, 0.2)}, {@code fan_in = size / shape[0]}: the golden
 * fixtures' scales, so activations stay O(1) through a deep network (the fixtures draw norm weights as
 * {@code 1 + 0.1 N} instead).
 *
 * <p>Here each tensor depends only on the seed and its name, not on load order, so a released and reloaded
 * tensor comes back the same. On a device other than the CPU the tensor is generated on the CPU and moved, so
 * every device gets the same values.
 *
 * <pre>{@code
 * TensorSource w = new RandomWeights(AutoencoderKLHunyuanVideo.parameterShapes(config), 42);
 * }</pre>
 */
public final class RandomWeights implements TensorSource {

    private static final Path LABEL = Path.of("<random>");

    private final Map<String, TensorInfo> tensors;
    private final long seed;
    private final boolean onDevice;

    /**
     * @param shapes the names and shapes to provide
     * @param seed the generator seed
     */
    public RandomWeights(Map<String, Shape> shapes, long seed) {
        this(shapes, seed, false);
    }

    private RandomWeights(Map<String, Shape> shapes, long seed, boolean onDevice) {
        this.onDevice = onDevice;
        Map<String, TensorInfo> m = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            m.put(e.getKey(), new TensorInfo(e.getKey(), DType.F32, e.getValue(), LABEL, 0,
                    e.getValue().size() * 4));
        }
        this.tensors = Collections.unmodifiableMap(m);
        this.seed = seed;
    }

    /**
     * The same scheme drawn by libtorch's generator on the loading manager's device ({@code torch.normal} there,
     * seeded per tensor from {@code seed} and the name), so a GPU benchmark builds billions of weights in
     * seconds without a host copy. The values differ from {@link #RandomWeights(Map, long)}'s (another generator)
     * and between device types; on one device they are reproducible. The seeding goes through the engine's
     * global generator, so do not load from two threads at once.
     *
     * @param shapes the names and shapes to provide
     * @param seed the generator seed
     * @return weights generated on the device that loads them
     */
    public static RandomWeights onDevice(Map<String, Shape> shapes, long seed) {
        return new RandomWeights(shapes, seed, true);
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    /** {@inheritDoc} */
    @Override
    public TensorInfo info(String name) {
        TensorInfo i = tensors.get(name);
        if (i == null) {
            throw new NoSuchElementException("no tensor '" + name + "' among " + tensors.size() + " random weights");
        }
        return i;
    }

    /**
     * Generates the tensor.
     *
     * @param dtype FLOAT32 only (what every {@link TensorLoader} asks of a float32 tensor)
     */
    @Override
    public NDArray load(String name, NDManager manager, DataType dtype) {
        if (dtype != DataType.FLOAT32) {
            throw new IllegalArgumentException("dtype " + dtype + ": random weights are generated as FLOAT32 only");
        }
        Shape shape = info(name).shape();
        if (onDevice) {
            long[] dims = shape.getShape();
            if (isNormWeight(name, dims)) {
                return manager.ones(shape, DataType.FLOAT32);
            }
            manager.getEngine().setRandomSeed((int) (seed ^ fnv(name)));
            return manager.randomNormal(0f, std(dims), shape, DataType.FLOAT32);
        }
        if (!manager.getDevice().equals(Device.cpu())) {
            // toByteBuffer(true) of a device array is a host copy, so filling it would leave the device tensor
            // uninitialised: generate on the CPU, then move (the same bits on every device)
            return viaCpu(name, manager);
        }
        int n = Math.toIntExact(shape.size());
        // a native (libtorch-owned) tensor filled through its direct view: freed at once when closed, and not
        // bounded by the JVM's direct-memory limit as a Java direct buffer would be
        NDArray out = manager.create(shape, DataType.FLOAT32);
        FloatBuffer values = out.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        long[] dims = shape.getShape();
        if (isNormWeight(name, dims)) {
            for (int i = 0; i < n; i++) {
                values.put(i, 1f);
            }
        } else {
            // nextGaussian (not the Box-Muller of InMemoryTensors): several times faster, which matters at
            // benchmark sizes; reproducibility is per JDK here
            SplittableRandom random = new SplittableRandom(seed ^ fnv(name));
            double std = std(dims);
            for (int i = 0; i < n; i++) {
                values.put(i, (float) (std * random.nextGaussian()));
            }
        }
        return out;
    }

    /** {@code name} generated on the CPU and copied to {@code manager}'s device, owned by {@code manager}. */
    NDArray viaCpu(String name, NDManager manager) {
        try (NDManager cpu = manager.newSubManager(Device.cpu())) {
            NDArray moved = load(name, cpu, DataType.FLOAT32).toDevice(manager.getDevice(), true);
            moved.attach(manager);
            return moved;
        }
    }

    /** Nothing to release. */
    @Override
    public void close() {
        // generated on demand: no files, no mappings
    }

    /** Whether the scheme sets {@code name} to ones: a 1-D norm weight. */
    static boolean isNormWeight(String name, long[] shape) {
        return shape.length == 1 && name.contains("norm") && name.endsWith("weight");
    }

    /** The scheme's standard deviation for a tensor that is not a norm weight. */
    static float std(long[] shape) {
        if (shape.length == 1) {
            return 0.05f;
        }
        long fanIn = 1;
        for (int i = 1; i < shape.length; i++) {
            fanIn *= shape[i];
        }
        return (float) Math.min(0.2, Math.max(0.02, 1 / Math.sqrt(fanIn)));
    }

    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001b3L;
        }
        return h;
    }
}
