package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.golden.GoldenCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** {@code golden-check --compute-dtype bf16} on the scheduler fixture: bf16 model outputs, fp32 scheduler. */
class GoldenCheckBf16CommandTest {

    @Test
    void schedulerPassesUnderBf16() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String dir = GoldenCheck.fixturesDir().resolve("scheduler").toString();
        int code = Cli.run(new String[] {"golden-check", "--compute-dtype", "bf16", dir},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text + err);
        String line = text.lines().filter(l -> l.startsWith("scheduler PASS max_rel_err=")).findFirst().orElseThrow(
                () -> new AssertionError("no scheduler PASS line in " + text));
        double e = Double.parseDouble(line.replaceAll(".*max_rel_err=([^ ]+).*", "$1"));
        assertTrue(e > 0 && e <= 3e-2, String.format(Locale.ROOT, "bf16 error %g outside (0, 3e-2]: %s", e, line));
        assertTrue(text.contains("compute dtype BF16"), text);
    }

    /** The models' fixtures pass the CLI under bf16 at the module bound (3e-2), each with a non-zero bf16 error. */
    @Test
    void modelsPassUnderBf16() {
        for (String component : java.util.List.of("transformer", "vae", "text_llama", "text_clip")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String dir = GoldenCheck.fixturesDir().resolve(component).toString();
            int code = Cli.run(new String[] {"golden-check", "--compute-dtype", "bf16", dir},
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, text + err);
            String line = text.lines().filter(l -> l.startsWith(component + " PASS max_rel_err=")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + component + " PASS line in " + text));
            System.out.println(line);
            double e = Double.parseDouble(line.replaceAll(".*max_rel_err=([^ ]+).*", "$1"));
            assertTrue(e > 1e-4 && e <= 3e-2, String.format(Locale.ROOT, "bf16 error %g outside (1e-4, 3e-2]: %s",
                    e, line));
        }
    }
}
