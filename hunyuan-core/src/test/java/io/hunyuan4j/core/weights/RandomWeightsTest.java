package io.hunyuan4j.core.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One random-weight scheme, on load ({@link RandomWeights}) and on the heap ({@code randomLike}). */
class RandomWeightsTest {

    private static Map<String, Shape> shapes() {
        Map<String, Shape> m = new LinkedHashMap<>();
        m.put("norm1.weight", new Shape(64));
        m.put("proj.bias", new Shape(4000));
        m.put("proj.weight", new Shape(200, 100));      // fan_in 100: s = 0.1
        m.put("conv.weight", new Shape(8, 2, 1, 1, 1)); // fan_in 2: s clamped to 0.2
        return m;
    }

    private static double std(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        return Math.sqrt(sq / v.length);
    }

    @Test
    void generatedOnLoadBySchemeAndTheSameOnReload() {
        RandomWeights w = new RandomWeights(shapes(), 7);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] norm = w.load("norm1.weight", m, DataType.FLOAT32).toFloatArray();
            for (float x : norm) {
                assertEquals(1f, x);
            }
            assertEquals(0.05, std(w.load("proj.bias", m, DataType.FLOAT32).toFloatArray()), 0.005);
            NDArray proj = w.load("proj.weight", m, DataType.FLOAT32);
            assertEquals(new Shape(200, 100), proj.getShape());
            assertEquals(0.1, std(proj.toFloatArray()), 0.005);
            // per-name seeding: load order does not matter
            assertArrayEquals(proj.toFloatArray(), new RandomWeights(shapes(), 7)
                    .load("proj.weight", m, DataType.FLOAT32).toFloatArray());
            assertTrue(proj.toFloatArray()[0] != new RandomWeights(shapes(), 8)
                    .load("proj.weight", m, DataType.FLOAT32).toFloatArray()[0]);
            assertThrows(IllegalArgumentException.class, () -> w.load("proj.weight", m, DataType.FLOAT16));
        }
    }

    @Test
    void randomLikeDrawsTheSameSchemeOnTheHeap() {
        InMemoryTensors a = InMemoryTensors.builder().seed(3).randomLike(shapes()).build();
        assertEquals(shapes().keySet(), a.names());
        for (float x : a.toFloatArray("norm1.weight")) {
            assertEquals(1f, x);
        }
        assertEquals(0.05, std(a.toFloatArray("proj.bias")), 0.005);
        assertEquals(0.1, std(a.toFloatArray("proj.weight")), 0.005);
        assertEquals(0.2, std(a.toFloatArray("conv.weight")), 0.15); // 16 values
        assertArrayEquals(a.toFloatArray("proj.weight"),
                InMemoryTensors.builder().seed(3).randomLike(shapes()).build().toFloatArray("proj.weight"));
    }
}
