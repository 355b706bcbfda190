package io.hunyuan4j.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.GoldenFiles;
import io.hunyuan4j.core.ops.ChunkedAttention;
import org.junit.jupiter.api.Test;

/** The frame-causal mask, and the mask-free frame-prefix attention that replaces it. */
class VaeAttentionTest {

    @Test
    void maskLetsEachFrameSeeItselfAndThePast() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 3 frames of 2 tokens: N = 6
            NDArray mask = VaeAttention.prepareCausalAttentionMask(m, 3, 2);
            boolean[] got = mask.toBooleanArray();
            boolean[] expected = new boolean[36];
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 6; j++) {
                    expected[i * 6 + j] = j / 2 <= i / 2;
                }
            }
            assertArrayEquals(expected, got);
        }
    }

    @Test
    void prefixAttentionEqualsMaskedAttention() {
        try (NDManager m = NDManager.newBaseManager()) {
            long frames = 4;
            long hw = 6;
            long n = frames * hw;
            NDArray q = m.randomNormal(new Shape(2, 1, n, 16));
            NDArray k = m.randomNormal(new Shape(2, 1, n, 16));
            NDArray v = m.randomNormal(new Shape(2, 1, n, 16));
            ChunkedAttention backend = new ChunkedAttention();
            NDArray mask = VaeAttention.prepareCausalAttentionMask(m, frames, hw).reshape(1, 1, n, n);
            // ChunkedAttention closes a float32 value input it was given (it attaches v to its own scope): pass views
            NDArray masked = backend.attention(q, k, v.get(":"), mask);
            NDArray prefix = VaeAttention.causalAttention(backend, q, k, v, frames, hw);
            assertTrue(GoldenFiles.maxRelErr(prefix, masked) < 1e-6, "prefix attention differs from the mask");
            // and the mask matters: unmasked attention differs
            assertTrue(GoldenFiles.maxRelErr(backend.attention(q, k, v.get(":"), null), masked) > 1e-3);
        }
    }
}
