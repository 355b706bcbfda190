package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to {@code generate}: one line on stderr, exit 2, before any model is loaded. */
class GenerateCommandTest {

    private static String[] fail(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        String[] a = new String[args.length + 1];
        a[0] = "generate";
        System.arraycopy(args, 0, a, 1, args.length);
        int code = Cli.run(a, o, new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        return new String[] {Integer.toString(code), text};
    }

    private static void rejects(String expected, String... args) {
        String[] r = fail(args);
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains(expected), r[1]);
        assertEquals(1, r[1].strip().lines().count(), "one line: " + r[1]);
    }

    @Test
    void badInputGivesOneLineAndExitTwo(@TempDir Path dir) {
        String out = dir.resolve("v.mp4").toString();
        rejects("--out is required", "--prompt", "a cat");
        rejects("--prompt is required", "--out", out);
        rejects("frames must be 4k+1", "--prompt", "a cat", "--frames", "10", "--out", out);
        rejects("height must be a positive multiple of 16 but is 250", "--prompt", "a", "--height", "250",
                "--out", out);
        rejects("steps must be in [1, 10000] but is 0", "--prompt", "a", "--steps", "0", "--out", out);
        rejects("guidanceScale must be a finite number >= 0 but is NaN", "--prompt", "a", "--guidance", "NaN",
                "--out", out);
        rejects("--steps must be an integer but is 'many'", "--prompt", "a", "--steps", "many", "--out", out);
        rejects("must end with .mp4 or .png but ends with '.avi'", "--prompt", "a", "--out",
                dir.resolve("v.avi").toString());
        rejects("does not exist", "--prompt", "a", "--out", dir.resolve("missing/v.mp4").toString());
        rejects("use --frames 1 for an image", "--prompt", "a", "--frames", "9", "--out",
                dir.resolve("v.png").toString());
        rejects("unknown offload mode 'disk'", "--prompt", "a", "--offload", "disk", "--out", out);
        rejects("expected fp32 or bf16", "--prompt", "a", "--dtype", "fp8", "--out", out);
        rejects("unknown argument '--colour'", "--prompt", "a", "--colour", "red", "--out", out);
        rejects("--scheduler must be euler or heun", "--prompt", "a", "--scheduler", "ddim", "--out", out);
        rejects("is not a folder", "--prompt", "a", "--model", dir.resolve("nope").toString(), "--out", out);
        assertFalse(Files.exists(dir.resolve("v.mp4")));
    }
}
