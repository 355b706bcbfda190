package io.hunyuan4j.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.TensorInfo;
import io.hunyuan4j.core.weights.TensorSource;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Random float32 weights generated natively on each load (no file): norm weights {@code 1 + 0.1 N}, other
 * vectors {@code 0.05 N}, matrices {@code N(0, s^2)}, {@code s = clamp(1/sqrt(fan_in), 0.02, 0.2)}.
 */
final class RandomTensorSource implements TensorSource {

    private final Map<String, TensorInfo> infos = new LinkedHashMap<>();

    RandomTensorSource(Map<String, Shape> shapes) {
        shapes.forEach((n, s) -> infos.put(n, new TensorInfo(n, DType.F32, s, Path.of("(random)"), 0, s.size() * 4)));
    }

    @Override
    public Set<String> names() {
        return infos.keySet();
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo i = infos.get(name);
        if (i == null) {
            throw new java.util.NoSuchElementException(name);
        }
        return i;
    }

    @Override
    public NDArray load(String name, NDManager manager, DataType dtype) {
        Shape s = info(name).shape();
        if (s.dimension() == 1) {
            NDArray n = manager.randomNormal(0f, 0.1f, s, DataType.FLOAT32);
            return name.contains("norm") && name.endsWith("weight") ? n.addi(1f) : n.muli(0.5f);
        }
        float std = (float) Math.min(0.2, Math.max(0.02, 1 / Math.sqrt(s.get(s.dimension() - 1))));
        return manager.randomNormal(0f, std, s, DataType.FLOAT32);
    }

    @Override
    public void close() {
        infos.clear();
    }
}
