package io.hunyuan4j.core.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.HostArrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The "fill on the CPU, then move to the manager's device" branch that a GPU manager takes, run on the CPU: DJL
 * 0.35 has no second CPU device ({@code Device.of("cpu", 0)} equals {@link Device#cpu()}), so the branch is
 * called directly and its results are checked for values, owner and device.
 */
class NonDefaultDeviceTest {

    @Test
    void randomWeightsAreTheSameOnAnotherDeviceAndOwnedByItsManager() {
        RandomWeights w = new RandomWeights(Map.of("proj.weight", new Shape(16, 8), "norm.weight", new Shape(8)), 3);
        assertEquals(Device.cpu(), Device.of("cpu", 0), "DJL normalises cpu:0 to cpu()");
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu());
                NDManager other = NDManager.newBaseManager(Device.cpu())) {
            for (String n : w.names()) {
                NDArray a = w.viaCpu(n, other);
                assertEquals(other, a.getManager(), n);
                assertEquals(other.getDevice(), a.getDevice(), n);
                assertArrayEquals(w.load(n, cpu, DataType.FLOAT32).toFloatArray(), a.toFloatArray(), n);
            }
        }
    }

    @Test
    void hostArraysLandOnTheManagersDevice() {
        try (NDManager other = NDManager.newBaseManager(Device.cpu())) {
            NDArray f = HostArrays.floats(other, new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
            assertEquals(other, f.getManager());
            assertEquals(other.getDevice(), f.getDevice());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, f.toFloatArray());
            NDArray l = HostArrays.longs(other, 7L, 8L);
            assertArrayEquals(new long[] {7, 8}, l.toLongArray());
        }
    }
}
