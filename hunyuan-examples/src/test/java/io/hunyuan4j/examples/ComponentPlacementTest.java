package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.testing.TinyModel;
import org.junit.jupiter.api.Test;

/** The pipeline's device and compute dtype come from its builder; the loaded components must agree. */
class ComponentPlacementTest {

    @Test
    void componentsLoadedInAnotherDtypeOrDeviceAreRejectedAtBuild() {
        VideoPipeline.Builder b = TinyModel.builder(ComponentOptions.defaults());
        var dtype = assertThrows(IllegalArgumentException.class, () -> b.computeDtype(ComputeDtype.BF16).build());
        assertTrue(dtype.getMessage().contains(
                "transformer computeDtype FLOAT32 differs from the pipeline's computeDtype BF16"), dtype.getMessage());
        b.computeDtype(ComputeDtype.FLOAT32);
        var device = assertThrows(IllegalArgumentException.class, () -> b.device(Device.gpu()).build());
        assertTrue(device.getMessage().contains("transformer device " + Device.cpu()
                + " differs from the pipeline's device " + Device.gpu()), device.getMessage());
        // the same builder, back on the components' settings, builds (and the pipeline closes the components)
        try (VideoPipeline pipe = b.device(Device.cpu()).build()) {
            assertEquals(ComputeDtype.FLOAT32, pipe.computeDtype());
            assertEquals(Device.cpu(), pipe.device());
        }
    }
}
