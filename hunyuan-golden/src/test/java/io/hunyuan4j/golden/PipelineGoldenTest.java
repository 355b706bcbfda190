package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** golden {@code pipeline}: diffusers' HunyuanVideoPipeline end to end through VideoPipeline, within 1e-3. */
class PipelineGoldenTest {

    @Test
    void pipelineMatchesDiffusers() {
        GoldenCheck check = new GoldenCheck(List.of(new PipelineGolden()));
        ComponentResult r = check.check(GoldenCheck.fixturesDir().resolve("pipeline"), GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= 1e-3, r.line());
    }
}
