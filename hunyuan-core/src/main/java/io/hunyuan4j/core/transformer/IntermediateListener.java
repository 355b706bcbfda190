package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;

/**
 * Receives named intermediate tensors during a forward pass, under the names of the diffusers sub-modules that
 * produce them (e.g. {@code x_embedder}, {@code transformer_blocks.3.hidden_states}), like forward hooks.
 *
 * <p>A value is valid only during the call: the block scope that owns it is closed afterwards. A listener that
 * keeps a value copies it ({@code value.duplicate()}) and attaches the copy to its own manager.
 */
@FunctionalInterface
public interface IntermediateListener {

    /** A listener that ignores everything (the default forward pass). */
    IntermediateListener NONE = (name, value) -> { };

    /**
     * One intermediate.
     *
     * @param name the diffusers module path of the value
     * @param value the tensor, owned by the forward pass
     */
    void onIntermediate(String name, NDArray value);

    /** This listener with {@code prefix + "."} before every name (a child module's view). */
    default IntermediateListener prefixed(String prefix) {
        if (this == NONE) {
            return NONE;
        }
        return (name, value) -> onIntermediate(prefix + "." + name, value);
    }
}
