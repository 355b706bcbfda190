package io.hunyuan4j.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import org.junit.jupiter.api.Test;

class FlowMatchEulerSchedulerTest {

    @Test
    void pipelineScheduleShiftsLinearSigmas() {
        Schedule s = FlowMatchEulerScheduler.withShift(7f).schedule(3);
        // sigmas 1, 2/3, 1/3 shifted by 7x/(1+6x), terminal 0
        float[] expected = {1f, 7f * (2f / 3) / (1 + 6f * (2f / 3)), 7f * (1f / 3) / (1 + 6f * (1f / 3)), 0f};
        assertArrayEquals(expected, s.sigmas(), 1e-6f);
        assertEquals(1000f, s.timestep(0));
    }

    @Test
    void eulerIsExactOnConstantVelocity() {
        try (NDManager m = NDManager.newBaseManager()) {
            FlowMatchEulerScheduler sch = FlowMatchEulerScheduler.withShift(5f);
            Schedule s = sch.schedule(7);
            NDArray x = m.ones(new ai.djl.ndarray.types.Shape(2, 3));
            NDArray v = m.full(new ai.djl.ndarray.types.Shape(2, 3), 0.5f);
            for (int i = 0; i < s.size(); i++) {
                x = sch.step(s, i, (sample, t) -> v, x);
            }
            // x(0) = x(1) + (0 - 1) * v
            assertEquals(0.5f, x.getFloat(0, 0), 1e-6f);
        }
    }

    @Test
    void rejectsBadSteps() {
        var e = assertThrows(IllegalArgumentException.class, () -> FlowMatchEulerScheduler.withShift(7f).schedule(0));
        assertTrue(e.getMessage().contains("steps must be >= 1 but is 0"), e.getMessage());
    }

    @Test
    void rejectsUnsupportedConfig() {
        var j = JsonConfig.parse("scheduler_config.json", "{\"shift\": 7.0, \"use_dynamic_shifting\": true}");
        var e = assertThrows(ConfigException.class, () -> SchedulerConfig.fromJson(j));
        assertTrue(e.getMessage().contains("use_dynamic_shifting"), e.getMessage());
        var bad = JsonConfig.parse("scheduler_config.json", "{\"shift\": \"seven\"}");
        var e2 = assertThrows(ConfigException.class, () -> SchedulerConfig.fromJson(bad));
        assertTrue(e2.getMessage().contains("\"shift\" must be a number"), e2.getMessage());
        var neg = JsonConfig.parse("scheduler_config.json", "{\"shift\": -1}");
        assertThrows(ConfigException.class, () -> SchedulerConfig.fromJson(neg));
    }
}
