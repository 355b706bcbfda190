package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.golden.ComponentResult;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** golden-check over ../shared/golden, as README runs it, with every module on the class path. */
class GoldenCheckCommandTest {

    /** Components the SDK implements; each must PASS. The others may only SKIP. */
    private static final Set<String> IMPLEMENTED = Set.of("scheduler", "transformer", "vae", "text_llama", "text_clip", "pipeline");

    @Test
    void everyImplementedComponentPasses() {
        GoldenCheck check = GoldenCheck.discover();
        assertTrue(check.implemented().containsAll(IMPLEMENTED), "discovered " + check.implemented());
        List<ComponentResult> results = check.run(GoldenCheck.fixturesDir(), GoldenOptions.float32());
        for (ComponentResult r : results) {
            if (check.implemented().contains(r.component())) {
                assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
                assertTrue(r.maxRelErr() <= r.tolerance(), r.line());
            } else {
                assertEquals(ComponentResult.Status.SKIP, r.status(), r.line());
            }
        }
        assertTrue(results.stream().map(ComponentResult::component).toList().containsAll(IMPLEMENTED));
    }

    @Test
    void commandPrintsOneLinePerComponentAndExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(new String[] {"golden-check", GoldenCheck.fixturesDir().toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text + err);
        for (String c : IMPLEMENTED) {
            assertTrue(text.lines().anyMatch(l -> l.startsWith(c + " PASS max_rel_err=")), c + ": " + text);
        }
        assertTrue(text.lines().anyMatch(l -> l.startsWith("golden-check: ")), text);
    }

    @Test
    void badArgumentsGiveOneLineAndNonZeroExit() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(2, Cli.run(new String[] {"golden-check", "--compute-dtype", "fp8", "x"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("expected fp32 or bf16"));
        assertEquals(2, Cli.run(new String[] {"golden-check", "/nonexistent/dir"}, o, e));
        assertEquals(2, Cli.run(new String[] {"frobnicate"}, o, e));
    }
}
