package io.hunyuan4j.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.TensorInfo;
import io.hunyuan4j.core.weights.TensorSource;
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
 * Seeded random float32 weights generated in memory on demand, for benchmarks and real-size tests where writing a
 * 1 GB checkpoint is not worth it. Each tensor depends only on the seed and its name (not on load order), and
 * follows the golden fixtures' recipe so activations stay finite through a deep network: 1-D {@code *.weight}
 * of norms {@code 1 + 0.1 N(0,1)}, other 1-D tensors (biases) {@code 0.05 N(0,1)}, kernels and matrices
 * {@code N(0, s^2)} with {@code s = clamp(1/sqrt(fan_in), 0.02, 0.2)}.
 */
public final class RandomWeights implements TensorSource {

    private static final Path IN_MEMORY = Path.of("<random>");

    private final Map<String, TensorInfo> tensors;
    private final long seed;

    /**
     * @param shapes the names and shapes to provide, e.g. {@link AutoencoderKLHunyuanVideo#parameterShapes}
     * @param seed the generator seed
     */
    public RandomWeights(Map<String, Shape> shapes, long seed) {
        Map<String, TensorInfo> m = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            m.put(e.getKey(), new TensorInfo(e.getKey(), DType.F32, e.getValue(), IN_MEMORY, 0,
                    e.getValue().size() * 4));
        }
        this.tensors = Collections.unmodifiableMap(m);
        this.seed = seed;
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
     * @param dtype FLOAT32 only
     */
    @Override
    public NDArray load(String name, NDManager manager, DataType dtype) {
        if (dtype != DataType.FLOAT32) {
            throw new IllegalArgumentException("dtype " + dtype + ": random weights are generated as FLOAT32 only");
        }
        Shape shape = info(name).shape();
        int n = Math.toIntExact(shape.size());
        SplittableRandom random = new SplittableRandom(seed ^ fnv(name));
        // a native (libtorch-owned) tensor filled through its direct view: freed at once when closed, and not
        // bounded by the JVM's direct-memory limit as a Java direct buffer would be
        NDArray out = manager.create(shape, DataType.FLOAT32);
        FloatBuffer values = out.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        if (shape.dimension() == 1) {
            boolean normWeight = name.endsWith(".weight");
            for (int i = 0; i < n; i++) {
                double g = random.nextGaussian();
                values.put(i, (float) (normWeight ? 1 + 0.1 * g : 0.05 * g));
            }
        } else {
            double fanIn = (double) shape.size() / shape.get(0);
            double s = Math.min(0.2, Math.max(0.02, 1 / Math.sqrt(fanIn)));
            for (int i = 0; i < n; i++) {
                values.put(i, (float) (s * random.nextGaussian()));
            }
        }
        return out;
    }

    /** Nothing to release. */
    @Override
    public void close() {
        // generated on demand: no files, no mappings
    }

    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001b3L;
        }
        return h;
    }
}
