package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.pipeline.GenerationRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to {@code generate}: one line on stderr, exit 2, before any model is loaded. */
class GenerateCommandTest {

    private static final int USAGE_EXIT = 2;
    private static final String HELP_HINT = "see 'hunyuan4j generate --help'";

    private record Run(int code, String err) { }

    private static Run generate(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        String[] a = new String[args.length + 1];
        a[0] = "generate";
        System.arraycopy(args, 0, a, 1, args.length);
        int code = Cli.run(a, o, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, err.toString(StandardCharsets.UTF_8));
    }

    private static Run rejects(String expected, String... args) {
        Run r = generate(args);
        assertEquals(USAGE_EXIT, r.code(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertTrue(r.err().contains(expected), r.err() + " should contain " + expected);
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        return r;
    }

    @Test
    void badInputGivesOneLineAndExitTwo(@TempDir Path dir) throws IOException {
        String out = dir.resolve("v.mp4").toString();
        rejects("Missing required option: '--out=", "--prompt", "a cat");
        rejects("Missing required option: '--prompt=", "--out", out);
        rejects("frames must be 4k+1", "--prompt", "a cat", "--frames", "10", "--out", out);
        rejects("height must be a positive multiple of 16 but is 250", "--prompt", "a", "--height", "250",
                "--out", out);
        rejects("steps must be in [1, 10000] but is 0", "--prompt", "a", "--steps", "0", "--out", out);
        rejects("guidanceScale must be a finite number >= 0 but is NaN", "--prompt", "a", "--guidance", "NaN",
                "--out", out);
        rejects("must end with .mp4 or .png but ends with '.avi'", "--prompt", "a", "--out",
                dir.resolve("v.avi").toString());
        rejects("does not exist", "--prompt", "a", "--out", dir.resolve("missing/v.mp4").toString());
        rejects("use --frames 1 for an image", "--prompt", "a", "--frames", "9", "--out",
                dir.resolve("v.png").toString());
        rejects("is not a folder", "--prompt", "a", "--model", dir.resolve("nope").toString(), "--out", out);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "nothing written");
        }
    }

    /** What the parser rejects names the option and the expected value, and says where the help is. */
    @Test
    void parserErrorsNameTheOptionAndPointToTheHelp(@TempDir Path dir) {
        String out = dir.resolve("v.mp4").toString();
        for (Run r : List.of(
                rejects("Invalid value for option '--steps': 'many' is not an integer", "--prompt", "a", "--steps",
                        "many", "--out", out),
                rejects("Invalid value for option '--seed': '1.5' is not an integer", "--prompt", "a", "--seed",
                        "1.5", "--out", out),
                rejects("Invalid value for option '--guidance': 'strong' is not a number", "--prompt", "a",
                        "--guidance=strong", "--out", out),
                rejects("Invalid value for option '--offload': unknown offload mode 'disk'; expected none, model or"
                        + " block", "--prompt", "a", "--offload", "disk", "--out", out),
                rejects("Invalid value for option '--dtype': unknown compute dtype 'fp8'; expected fp32 or bf16",
                        "--prompt", "a", "--dtype", "fp8", "--out", out),
                rejects("Invalid value for option '--scheduler'", "--prompt", "a", "--scheduler", "ddim", "--out",
                        out),
                rejects("unknown option '--colour' for generate", "--prompt", "a", "--colour", "red", "--out", out),
                rejects("unexpected argument 'extra' for generate", "--prompt", "a", "extra", "--out", out),
                rejects("option '--steps' (N) should be specified only once", "--prompt", "a", "--steps", "1",
                        "--steps", "2", "--out", out),
                rejects("Missing required parameter for option '--out'", "--prompt", "a", "--out"))) {
            assertTrue(r.err().strip().endsWith(HELP_HINT), r.err());
        }
        assertTrue(rejects("'ddim'", "--prompt", "a", "--scheduler", "ddim", "--out", out).err().contains("HEUN"));
    }

    @Test
    void batchOptionsAreCheckedBeforeLoading(@TempDir Path dir) {
        String out = dir.resolve("v.mp4").toString();
        rejects("--negative-prompt is given 3 times; give it once (for every prompt) or once per --prompt (2)",
                "--prompt", "a", "--prompt", "b", "--negative-prompt", "x", "--negative-prompt", "y",
                "--negative-prompt", "z", "--out", out);
        rejects("--videos-per-prompt must be >= 1", "--prompt", "a", "--videos-per-prompt", "0", "--out", out);
        int tooMany = GenerationRequest.MAX_BATCH / 2 + 1;
        rejects("make at most " + GenerationRequest.MAX_BATCH + " videos with the 2 --prompt but is " + tooMany,
                "--prompt", "a", "--prompt", "b", "--videos-per-prompt", Integer.toString(tooMany), "--out", out);
        assertFalse(Files.exists(dir.resolve("v-0.mp4")));
    }

    @Test
    void severalVideosWriteNumberedFilesBesideTheGivenName() {
        Path out = Path.of("/videos/cat.mp4");
        assertEquals(List.of(out), GenerateCommand.outputFiles(out, 1));
        assertEquals(List.of(Path.of("/videos/cat-0.mp4"), Path.of("/videos/cat-1.mp4"), Path.of("/videos/cat-2.mp4")),
                GenerateCommand.outputFiles(out, 3));
        assertEquals(List.of(Path.of("/a.b/x.y-0.PNG"), Path.of("/a.b/x.y-1.PNG")),
                GenerateCommand.outputFiles(Path.of("/a.b/x.y.PNG"), 2), "the last dot, the extension as given");
    }
}
