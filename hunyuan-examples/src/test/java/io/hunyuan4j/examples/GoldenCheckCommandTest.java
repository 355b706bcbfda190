package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.golden.ComponentResult;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    void badArgumentsGiveOneLineAndExitTwo() {
        Map<List<String>, String> expected = Map.of(
                List.of("golden-check", "--compute-dtype", "fp8", "x"),
                "Invalid value for option '--compute-dtype': unknown compute dtype 'fp8'; expected fp32 or bf16",
                List.of("golden-check", "/nonexistent/dir"), "/nonexistent/dir does not exist",
                List.of("golden-check"), "Missing required parameter: 'DIR'",
                List.of("golden-check", "a", "b"), "unexpected argument 'b' for golden-check",
                List.of("golden-check", "--dtype", "bf16", "x"), "unknown option '--dtype' for golden-check",
                List.of("frobnicate"), "unknown command 'frobnicate'",
                List.of("golden-check", "--device", "tpu", "x"),
                "Invalid value for option '--device': unknown device 'tpu'; expected cpu, gpu or gpu:N");
        for (var e : expected.entrySet()) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = Cli.run(e.getKey().toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = err.toString(StandardCharsets.UTF_8);
            String what = e.getKey() + ": " + text;
            assertEquals(2, code, what);
            assertEquals(1, text.strip().lines().count(), what);
            assertTrue(text.startsWith("error: ") && text.contains(e.getValue()), what + " should say " + e.getValue());
            assertEquals("", out.toString(StandardCharsets.UTF_8), what);
        }
    }

    @Test
    void theDirectoryMayComeBeforeOrAfterTheOptionInEitherSpelling() {
        String dir = GoldenCheck.fixturesDir().resolve("scheduler").toString();
        List<String> outputs = new ArrayList<>();
        for (String[] args : List.of(new String[] {"golden-check", dir, "--compute-dtype", "fp32"},
                new String[] {"golden-check", "--compute-dtype=fp32", dir})) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, text);
            assertTrue(text.lines().anyMatch(l -> l.startsWith("scheduler PASS ")), text);
            assertTrue(text.contains("(compute dtype FLOAT32)"), text);
            outputs.add(text.lines().filter(l -> l.startsWith("scheduler ")).findFirst().orElseThrow());
        }
        assertEquals(outputs.get(0), outputs.get(1), "the same check");
    }

    @Test
    void deviceNamesParse() {
        assertEquals(ai.djl.Device.cpu(), io.hunyuan4j.core.api.ComponentOptions.parseDevice("cpu"));
        assertEquals(ai.djl.Device.gpu(0), io.hunyuan4j.core.api.ComponentOptions.parseDevice("gpu"));
        assertEquals(ai.djl.Device.gpu(1), io.hunyuan4j.core.api.ComponentOptions.parseDevice("GPU:1"));
    }
}
