package io.hunyuan4j.core.weights;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A {@link TensorSource} whose names and infos are one map fixed at construction: the lookups every in-memory,
 * held or remapped source shares; subclasses supply the bytes.
 */
public abstract class IndexedTensors implements TensorSource, RawSource {

    private final Map<String, TensorInfo> infos;
    private final String label;

    /**
     * @param infos the tensors by name, in file order (kept as given: pass an unmodifiable map)
     * @param label what a missing-name message calls this source
     */
    protected IndexedTensors(Map<String, TensorInfo> infos, String label) {
        this.infos = infos;
        this.label = label;
    }

    /** {@inheritDoc} */
    @Override
    public final Set<String> names() {
        return infos.keySet();
    }

    /** {@inheritDoc} */
    @Override
    public final TensorInfo info(String name) {
        TensorInfo i = infos.get(name);
        if (i == null) {
            throw new NoSuchElementException(label + ": no tensor named '" + name + "'");
        }
        return i;
    }
}
