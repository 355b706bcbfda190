package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.weights.TensorInfo;
import io.hunyuan4j.core.weights.TensorSource;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The tensors of one component inside a combined checkpoint, seen without their prefix: the pipeline fixture
 * stores both models as {@code transformer.*} and {@code vae.*}. Does not close the underlying source.
 */
final class PrefixedTensors implements TensorSource {

    private final TensorSource source;
    private final String prefix;
    private final Set<String> names;

    PrefixedTensors(TensorSource source, String prefix) {
        this.source = source;
        this.prefix = prefix;
        Set<String> n = new LinkedHashSet<>();
        for (String s : source.names()) {
            if (s.startsWith(prefix)) {
                n.add(s.substring(prefix.length()));
            }
        }
        if (n.isEmpty()) {
            throw new IllegalArgumentException("checkpoint holds no tensor under '" + prefix + "'");
        }
        this.names = Set.copyOf(n);
    }

    @Override
    public Set<String> names() {
        return names;
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo i = source.info(prefix + name);
        return new TensorInfo(name, i.dtype(), i.shape(), i.file(), i.offset(), i.byteLength());
    }

    @Override
    public NDArray load(String name, NDManager manager, DataType dtype) {
        return source.load(prefix + name, manager, dtype);
    }

    @Override
    public void close() {
        // the combined source is owned by the caller
    }
}
