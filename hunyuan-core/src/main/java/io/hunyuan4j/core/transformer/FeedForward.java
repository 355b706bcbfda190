package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code FeedForward(dim, inner_dim, activation_fn)} without dropout: {@code net.0} is the activation
 * module holding the input projection ({@code net.0.proj}), {@code net.2} the output projection.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/attention.py">diffusers FeedForward</a>
 */
public final class FeedForward {

    /** The {@code activation_fn} values HunyuanVideo uses. */
    public enum Activation {
        /** {@code "gelu-approximate"}: {@code GELU(approximate="tanh")} (dual-stream blocks). */
        GELU_TANH,
        /** {@code "linear-silu"}: {@code LinearActivation(activation="silu")} (token refiner). */
        LINEAR_SILU
    }

    private final Linear proj;
    private final Linear out;
    private final Activation activation;

    /**
     * Binds {@code net.0.proj [inner, dim]} and {@code net.2 [dim, inner]}.
     *
     * @param innerDim hidden width ({@code int(dim * mult)})
     */
    public FeedForward(StateDict w, int dim, int innerDim, Activation activation) {
        this.proj = new Linear(w.child("net").child("0").child("proj"), dim, innerDim);
        this.out = new Linear(w.child("net").child("2"), innerDim, dim);
        this.activation = activation;
    }

    /**
     * @param hiddenStates [..., dim]
     * @return [..., dim]
     */
    public NDArray forward(NDArray hiddenStates) {
        // token-chunked: the [tokens, inner] intermediate exists one chunk at a time
        return TokenChunks.map(hiddenStates, this::forwardUnchunked);
    }

    /** The feed-forward on all given tokens at once (callers that already chunk tokens use this). */
    NDArray forwardUnchunked(NDArray hiddenStates) {
        NDArray h = proj.forward(hiddenStates);
        h = switch (activation) {
            case GELU_TANH -> F.geluTanh(h);
            case LINEAR_SILU -> F.silu(h);
        };
        return out.forward(h);
    }
}
