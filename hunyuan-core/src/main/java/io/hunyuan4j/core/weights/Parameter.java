package io.hunyuan4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.jspecify.annotations.Nullable;

/**
 * One bound weight: its reference name and shape, and its data once loaded. Modules keep these as final
 * fields and ask for {@link #array()} inside forward passes, so the offloader can release and reload the data
 * behind them without the module knowing.
 */
public final class Parameter {

    private final String name;
    private final Shape shape;
    private final StateDict.Binding binding;
    private @Nullable NDArray value;
    private volatile @Nullable WeightAdapter adapter;

    Parameter(String name, Shape shape, StateDict.Binding binding) {
        this.name = name;
        this.shape = shape;
        this.binding = binding;
    }

    /** Full state-dict name, e.g. {@code transformer_blocks.0.attn.to_q.weight}. */
    public String name() {
        return name;
    }

    /** Shape as stored. */
    public Shape shape() {
        return shape;
    }

    /** Bytes the tensor takes once loaded, in the dtype its component's loader makes. */
    public long loadedBytes() {
        return shape.size() * binding.elementBytes();
    }

    /** Bytes of the stored tensor. */
    public long storedBytes() {
        return binding.storedBytes(name);
    }

    /**
     * The data, loading it into the component's weight manager on first use (LAZY).
     *
     * @throws IllegalStateException if bound shape-only or if the checkpoint did not match
     */
    public synchronized NDArray array() {
        NDArray v = value;
        if (v == null || v.isReleased()) {
            v = adapted(binding.load(name, null));
            value = v;
        }
        return v;
    }

    /** Whether data is currently resident. */
    public synchronized boolean isLoaded() {
        return value != null && !value.isReleased();
    }

    /** Loads (or reloads) the data into {@code manager}; the offloader uses this to onload a block. */
    public synchronized NDArray loadInto(NDManager manager) {
        release();
        NDArray v = adapted(binding.load(name, manager));
        value = v;
        return v;
    }

    /** Frees the resident data; the next {@link #array()} reloads it. */
    public synchronized void release() {
        NDArray v = value;
        value = null;
        if (v != null && !v.isReleased()) {
            v.close();
        }
    }

    /** The adapter applied at each load (LoRA), or null. */
    public @Nullable WeightAdapter adapter() {
        return adapter;
    }

    /**
     * Sets the adapter applied from the next load on; data already resident is left as it is (the caller updates
     * it through {@link #resident()}).
     */
    public synchronized void adapter(@Nullable WeightAdapter next) {
        adapter = next;
    }

    /** The resident data, or null if none is loaded. */
    public synchronized @Nullable NDArray resident() {
        NDArray v = value;
        return v == null || v.isReleased() ? null : v;
    }

    private NDArray adapted(NDArray loaded) {
        WeightAdapter a = adapter;
        return a == null ? loaded : a.onLoad(this, loaded);
    }

    @Override
    public String toString() {
        return name + shape;
    }
}
