package io.hunyuan4j.examples;

import ai.djl.Device;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.golden.ComponentResult;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code golden-check DIR [--compute-dtype fp32|bf16] [--device cpu|gpu[:N]]}: runs every fixture component under
 * {@code DIR} on the device, prints one line per component and a summary; exit 1 on any FAIL. float32 runs are
 * strict (no TF32 convolutions on GPUs: {@link io.hunyuan4j.core.ops.Precision}).
 */
@Command(name = "golden-check", sortOptions = false, sortSynopsis = false,
        optionListHeading = "%nOptions:%n", parameterListHeading = "%nParameters:%n",
        description = {"Checks every component against the diffusers fixtures under DIR.",
            "DIR is e.g. ../shared/golden, or one component's folder in it.",
            "Prints '<component> PASS|FAIL|SKIP max_rel_err=<x> (<worst tensor>) tol=<t>' per component, then a"
                + " summary; exits 1 if any component fails."})
final class GoldenCheckCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "The fixtures folder.")
    private Path dir;

    @Option(names = "--compute-dtype", paramLabel = "fp32|bf16", defaultValue = "fp32",
            description = "Run the components in this dtype against the same float32 fixtures. Default: fp32.")
    private ComputeDtype dtype = ComputeDtype.FLOAT32;

    @Option(names = "--device", paramLabel = "cpu|gpu[:N]", defaultValue = "cpu",
            description = "Where the components run; the fixtures are read on the host and moved there. Default: cpu.")
    private Device device = Device.cpu();

    private final PrintStream out;

    GoldenCheckCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        GoldenCheck check = GoldenCheck.discover();
        List<ComponentResult> results = check.run(dir, new GoldenOptions(dtype, device));
        for (ComponentResult r : results) {
            out.println(r.line());
        }
        out.println(GoldenCheck.summary(results) + " (compute dtype " + dtype + ") on " + device);
        return results.stream().anyMatch(r -> r.status() == ComponentResult.Status.FAIL) ? 1 : 0;
    }
}
