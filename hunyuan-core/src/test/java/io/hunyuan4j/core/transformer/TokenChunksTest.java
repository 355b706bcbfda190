package io.hunyuan4j.core.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.F;
import org.junit.jupiter.api.Test;

class TokenChunksTest {

    @Test
    void chunkedEqualsWholeAndLeavesOnlyTheResult() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            long n = TokenChunks.CHUNK * 2L + 123;
            NDArray x = m.randomNormal(new Shape(1, n, 6));
            NDArray w = m.randomNormal(new Shape(10, 6));
            NDArray whole = F.geluTanh(F.linear(x, w, null));
            int before = m.getManagedArrays().size();
            NDArray chunked = TokenChunks.map(x, t -> F.geluTanh(F.linear(t, w, null)));
            assertEquals(whole.getShape(), chunked.getShape());
            assertTrue(whole.sub(chunked).abs().max().getFloat() <= 1e-6f);
            // the result (and the comparison temporaries) only: no chunk intermediates survive
            assertEquals(before + 1, m.getManagedArrays().size() - 3);
        }
    }
}
