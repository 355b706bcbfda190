package io.hunyuan4j.examples;

import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.golden.ComponentResult;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code golden-check [--compute-dtype fp32|bf16] <dir>}: runs every fixture component under {@code dir},
 * prints one line per component and a summary; exit 1 on any FAIL.
 */
final class GoldenCheckCommand {

    private GoldenCheckCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        ComputeDtype dtype = ComputeDtype.FLOAT32;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--compute-dtype")) {
                if (i + 1 >= args.length) {
                    throw new Cli.UsageException("--compute-dtype needs a value: fp32 or bf16");
                }
                dtype = ComputeDtype.parse(args[++i]);
            } else if (a.startsWith("--")) {
                throw new Cli.UsageException("unknown option " + a + " for golden-check; expected --compute-dtype");
            } else if (dir == null) {
                dir = resolve(a);
            } else {
                throw new Cli.UsageException("golden-check takes one directory, got a second: " + a);
            }
        }
        if (dir == null) {
            throw new Cli.UsageException("usage: golden-check [--compute-dtype fp32|bf16] <dir>");
        }
        GoldenCheck check = GoldenCheck.discover();
        List<ComponentResult> results = check.run(dir, new GoldenOptions(dtype));
        for (ComponentResult r : results) {
            out.println(r.line());
        }
        out.println(GoldenCheck.summary(results) + " (compute dtype " + dtype + ")");
        return results.stream().anyMatch(r -> r.status() == ComponentResult.Status.FAIL) ? 1 : 0;
    }

    /** Relative paths are taken from the repository root when run through Maven (exec runs in the module). */
    static Path resolve(String p) {
        Path path = Path.of(p);
        String root = System.getProperty("hunyuan.root");
        if (!path.isAbsolute() && root != null && !root.isBlank() && !path.toFile().exists()) {
            return Path.of(root).resolve(p).normalize();
        }
        return path.toAbsolutePath().normalize();
    }
}
