package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.ops.ComputeDtype;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextGoldenTest {

    @Test
    void llamaMatchesFixture() {
        ComponentResult r = new GoldenCheck(List.of(new TextLlamaGolden()))
                .check(GoldenCheck.fixturesDir().resolve("text_llama"), GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= 1e-4, r.line());
    }

    @Test
    void clipMatchesFixture() {
        ComponentResult r = new GoldenCheck(List.of(new TextClipGolden()))
                .check(GoldenCheck.fixturesDir().resolve("text_clip"), GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= 1e-4, r.line());
    }

    @Test
    void bothAreDiscoveredThroughServiceLoader() {
        assertTrue(GoldenCheck.discover().implemented().containsAll(List.of("text_llama", "text_clip")));
    }

    @Test
    void llamaMatchesFixtureInBf16() {
        ComponentResult r = new GoldenCheck(List.of(new TextLlamaGolden()))
                .check(GoldenCheck.fixturesDir().resolve("text_llama"), new GoldenOptions(ComputeDtype.BF16));
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= GoldenOptions.BF16_TOLERANCE, r.line());
        assertTrue(r.maxRelErr() > 1e-4, "bf16 should differ from float32: " + r.line());
    }

    @Test
    void clipMatchesFixtureInBf16() {
        ComponentResult r = new GoldenCheck(List.of(new TextClipGolden()))
                .check(GoldenCheck.fixturesDir().resolve("text_clip"), new GoldenOptions(ComputeDtype.BF16));
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= GoldenOptions.BF16_TOLERANCE, r.line());
        assertTrue(r.maxRelErr() > 1e-4, "bf16 should differ from float32: " + r.line());
    }
}
