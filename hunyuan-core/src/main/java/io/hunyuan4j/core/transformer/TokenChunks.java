package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.function.UnaryOperator;

/**
 * Applies a token-wise function in chunks along the token axis, so the wide intermediate of a feed-forward
 * ([tokens, mlp width], 4x the stream) exists for one chunk at a time. The function must treat tokens
 * independently (linear, activation, norm over channels); the result equals the unchunked one.
 */
public final class TokenChunks {

    /** Tokens per chunk; the memory planner ({@code MemoryPlanner.FF_CHUNK_TOKENS}) reads it from here. */
    public static final int CHUNK = 8192;

    private TokenChunks() {}

    /**
     * Two token-aligned inputs, chunked together.
     *
     * @param a [B, N, Ca]
     * @param b [B, N, Cb]
     * @param f maps ([B, n, Ca], [B, n, Cb]) to [B, n, C']
     * @return [B, N, C'], in {@code a}'s manager
     */
    static NDArray map(NDArray a, NDArray b, java.util.function.BinaryOperator<NDArray> f) {
        return mapIndexed(a, (ac, start, end) -> {
            if (ac == a) {
                return f.apply(a, b); // one chunk: the whole sequence
            }
            NDArray bc = b.get(new NDIndex(":, {}:{}", start, end));
            bc.attach(ac.getManager()); // dies with the chunk
            return f.apply(ac, bc);
        });
    }

    /** A token-wise function that also gets the chunk's token range (for position-dependent tables). */
    @FunctionalInterface
    interface Indexed {
        NDArray apply(NDArray chunk, long start, long end);
    }

    /**
     * @param x [B, N, C]
     * @param f maps [B, n, C] to [B, n, C']
     * @return [B, N, C'], in {@code x}'s manager
     */
    static NDArray map(NDArray x, UnaryOperator<NDArray> f) {
        return mapIndexed(x, (chunk, start, end) -> f.apply(chunk));
    }

    /**
     * Like {@link #map} with each chunk's token range {@code [start, end)}; arrays the function derives from
     * other managers' arrays must be attached to {@code chunk.getManager()} to die with the chunk.
     */
    static NDArray mapIndexed(NDArray x, Indexed f) {
        long n = x.getShape().get(1);
        if (n <= CHUNK) {
            return f.apply(x, 0, n);
        }
        NDManager out = x.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDList parts = new NDList();
            for (long s = 0; s < n; s += CHUNK) {
                long e = Math.min(n, s + CHUNK);
                try (NDManager chunk = scope.newSubManager()) {
                    NDArray xc = x.get(new NDIndex(":, {}:{}", s, e));
                    xc.attach(chunk);
                    NDArray y = f.apply(xc, s, e);
                    y.attach(scope);
                    parts.add(y);
                }
            }
            NDArray joined = NDArrays.concat(parts, 1);
            joined.attach(out);
            return joined;
        }
    }
}
