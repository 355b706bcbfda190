package io.hunyuan4j.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatentsTest {

    @Test
    void shapeWhoseProductOverflowsIsRejected() {
        // 2^32 * 2^32 wraps to 0 in a long multiply, which equals the empty data's length
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Latents(new float[0], new long[] {1, 1L << 32, 1L << 32, 1, 1}));
        assertTrue(e.getMessage().contains("more than 2^31 - 1 elements"), e.getMessage());
        // 2^33 * 2^31 = 2^64 wraps to 0 too, and 3 * 2^63-ish wraps to small numbers
        assertThrows(IllegalArgumentException.class,
                () -> new Latents(new float[0], new long[] {1L << 33, 1L << 31, 1, 1, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> new Latents(new float[2], new long[] {2, Long.MAX_VALUE / 2 + 2, 1, 1, 1}));
    }

    @Test
    void validShapeIsKept() {
        Latents l = new Latents(new float[6], new long[] {1, 2, 1, 3, 1});
        assertArrayEquals(new long[] {1, 2, 1, 3, 1}, l.shape());
    }
}
