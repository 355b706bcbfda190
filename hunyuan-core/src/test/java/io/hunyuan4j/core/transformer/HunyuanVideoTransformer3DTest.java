package io.hunyuan4j.core.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.golden.ComponentResult;
import io.hunyuan4j.core.golden.GoldenCheck;
import io.hunyuan4j.core.golden.GoldenOptions;
import io.hunyuan4j.core.golden.TransformerGolden;
import java.util.List;
import org.junit.jupiter.api.Test;

class HunyuanVideoTransformer3DTest {

    @Test
    void goldenParity() {
        GoldenCheck check = new GoldenCheck(List.of(new TransformerGolden()));
        ComponentResult r = check.check(GoldenCheck.fixturesDir().resolve("transformer"), GoldenOptions.float32());
        System.out.println(r.line());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= 1e-4, r.line());
    }
}
