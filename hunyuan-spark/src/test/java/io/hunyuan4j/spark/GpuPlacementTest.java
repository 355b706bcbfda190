package io.hunyuan4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

/** The device of a task from the resources Spark assigned it. */
class GpuPlacementTest {

    @Test
    void firstAssignedGpuElseCpu() {
        assertEquals(Device.gpu(3), GpuPlacement.device(Map.of("gpu", new ResourceInformation("gpu",
                new String[] {"3", "5"}))));
        assertEquals(Device.cpu(), GpuPlacement.device(Map.of()));
        assertEquals(Device.cpu(), GpuPlacement.device(Map.of("gpu", new ResourceInformation("gpu", new String[0]))));
        assertEquals(Device.cpu(), GpuPlacement.device(Map.of("fpga", new ResourceInformation("fpga",
                new String[] {"0"}))));
    }

    @Test
    void anAddressThatIsNoOrdinalIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuPlacement.device(
                Map.of("gpu", new ResourceInformation("gpu", new String[] {"GPU-8f2c"}))));
        assertTrue(e.getMessage().contains("'GPU-8f2c' is not a CUDA device ordinal"), e.getMessage());
    }
}
