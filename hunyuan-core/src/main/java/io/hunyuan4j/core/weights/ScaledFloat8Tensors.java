package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A per-tensor scaled FP8 checkpoint (ComfyUI's {@code *_fp8_scaled.safetensors}) seen as plain weights: each
 * {@code X.weight} stored as FP8 with a float32 {@code X.scale_weight} beside it loads as
 * {@code decode(X.weight) * scale_weight}, computed in float32 (exact decode, one rounding of the product).
 * The scale tensors, the activation scales {@code X.scale_input} (only used by FP8 matmul kernels, which this
 * SDK does not run) and the {@code scaled_fp8} marker are hidden from {@link #names()}.
 *
 * <p>Lazy like the source it wraps: nothing is read until a tensor is loaded.
 */
public final class ScaledFloat8Tensors implements TensorSource {

    /** The marker tensor ComfyUI writes into scaled FP8 files. */
    public static final String MARKER = "scaled_fp8";
    private static final String SCALE_WEIGHT = ".scale_weight";
    private static final String SCALE_INPUT = ".scale_input";

    private final TensorSource source;
    private final Set<String> names;
    private final Map<String, String> scales;

    private ScaledFloat8Tensors(TensorSource source) {
        this.source = source;
        Set<String> visible = new LinkedHashSet<>();
        Map<String, String> sc = new LinkedHashMap<>();
        for (String n : source.names()) {
            if (n.equals(MARKER) || n.endsWith(SCALE_INPUT)) {
                continue;
            }
            if (n.endsWith(SCALE_WEIGHT)) {
                String weight = n.substring(0, n.length() - SCALE_WEIGHT.length()) + ".weight";
                if (!source.names().contains(weight)) {
                    throw new IllegalArgumentException("scale tensor '" + n + "' has no weight '" + weight
                            + "' beside it");
                }
                if (source.info(n).size() != 1) {
                    throw new IllegalArgumentException("scale tensor '" + n + "' has shape "
                            + source.info(n).shape() + "; a per-tensor scale has one element");
                }
                sc.put(weight, n);
                continue;
            }
            visible.add(n);
        }
        this.names = Collections.unmodifiableSet(visible);
        this.scales = Map.copyOf(sc);
    }

    /** Whether {@code source} holds per-tensor FP8 scales (a {@code scale_weight} tensor or the marker). */
    public static boolean isScaled(TensorSource source) {
        return source.names().stream().anyMatch(n -> n.equals(MARKER) || n.endsWith(SCALE_WEIGHT));
    }

    /** Wraps {@code source} when {@link #isScaled} says so; returns it unchanged otherwise. */
    public static TensorSource wrapIfScaled(TensorSource source) {
        return isScaled(source) ? new ScaledFloat8Tensors(source) : source;
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> names() {
        return names;
    }

    /** {@inheritDoc} */
    @Override
    public TensorInfo info(String name) {
        if (!names.contains(name)) {
            throw new NoSuchElementException("no tensor named '" + name + "'");
        }
        return source.info(name);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A scaled tensor is decoded to float32, multiplied by its scale, then converted to {@code dtype}.
     */
    @Override
    public NDArray load(String name, NDManager manager, DataType dtype) {
        info(name);
        String scale = scales.get(name);
        if (scale == null) {
            return source.load(name, manager, dtype);
        }
        float s;
        try (NDArray scaleArray = source.load(scale, manager, DataType.FLOAT32)) {
            s = scaleArray.toFloatArray()[0];
        }
        NDArray w = source.load(name, manager, DataType.FLOAT32);
        w.muli(s);
        if (dtype == DataType.FLOAT32) {
            return w;
        }
        TensorReader.requireSupportedTarget(source.info(name), dtype);
        NDArray c = w.toType(dtype, false);
        w.close();
        return c;
    }

    /** Closes the wrapped source. */
    @Override
    public void close() {
        source.close();
    }
}
