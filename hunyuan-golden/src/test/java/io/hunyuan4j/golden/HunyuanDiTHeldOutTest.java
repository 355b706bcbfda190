package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.ops.ComputeDtype;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The held-out HunyuanDiT set (tools/golden/spec_hunyuandit_heldout.py: 2 heads of 8 and 6 blocks, a v1.1 model
 * with one head and 2 blocks, wide and tall grids, batch 2 with uneven padding, timestep 0, trailing spacing with 7
 * steps, a batch-2 pipeline with rescale 0.5 and other meta sizes): every component within its bound.
 */
class HunyuanDiTHeldOutTest {

    private static final String SET = "hunyuandit-heldout";

    private static GoldenCheck check() {
        return new GoldenCheck(List.of(new HunyuanDiTTransformerGolden(), new HunyuanDiTTransformerGolden.V11(),
                new HunyuanDiTSchedulerGolden()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hunyuandit_transformer", "hunyuandit_transformer_v11", "hunyuandit_scheduler"})
    void float32(String name) {
        ComponentResult r = check().check(HeldOutGoldenSetsTest.set(SET).resolve(name), GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        System.getLogger("HunyuanDiTHeldOutTest").log(System.Logger.Level.INFO, r.line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hunyuandit_transformer", "hunyuandit_transformer_v11"})
    void bf16(String name) {
        ComponentResult r = check().check(HeldOutGoldenSetsTest.set(SET).resolve(name),
                new GoldenOptions(ComputeDtype.BF16));
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() > 0, r.line());
        System.getLogger("HunyuanDiTHeldOutTest").log(System.Logger.Level.INFO, "bf16 " + r.line());
    }

    @Test
    void pipelineLatents() {
        double worst = HunyuanDiTPipelineGoldenTest.latentsLevelError(
                HeldOutGoldenSetsTest.set(SET).resolve("hunyuandit_pipeline"), 9);
        System.getLogger("HunyuanDiTHeldOutTest").log(System.Logger.Level.INFO,
                "held-out hunyuandit_pipeline latents-level max_rel_err=" + worst);
    }
}
