package io.hunyuan4j.examples;

import io.hunyuan4j.core.offload.Bytes;
import io.hunyuan4j.core.offload.MemoryPlanner;
import io.hunyuan4j.core.offload.MemoryPlanner.MemoryPlan;
import io.hunyuan4j.core.offload.MemoryPlanner.PlanRequest;
import io.hunyuan4j.core.offload.MemoryPlanner.StageUsage;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.ops.ComputeDtype;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code plan-memory --manifests DIR --budget 6GiB --offload none|model|block --height H --width W --frames F
 * [--dtype bf16|fp32]}: the planned peak device memory of one generation, stage by stage.
 */
final class PlanMemoryCommand {

    private static final Set<String> OPTIONS = Set.of("--manifests", "--budget", "--offload", "--height", "--width",
            "--frames", "--dtype");

    private PlanMemoryCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!OPTIONS.contains(args[i])) {
                throw new Cli.UsageException("unknown option " + args[i] + " for plan-memory; expected " + OPTIONS);
            }
            if (i + 1 >= args.length) {
                throw new Cli.UsageException(args[i] + " needs a value");
            }
            o.put(args[i], args[++i]);
        }
        for (String required : new String[] {"--manifests", "--budget", "--offload", "--height", "--width", "--frames"}) {
            if (!o.containsKey(required)) {
                throw new Cli.UsageException("plan-memory needs " + required);
            }
        }
        PlanRequest req = new PlanRequest(integer(o, "--height"), integer(o, "--width"), integer(o, "--frames"),
                Offload.parse(o.get("--offload")), ComputeDtype.parse(o.getOrDefault("--dtype", "bf16")),
                Bytes.parse(o.get("--budget")));
        MemoryPlanner planner = MemoryPlanner.fromManifests(GoldenCheckCommand.resolve(o.get("--manifests")));
        MemoryPlan plan = planner.plan(req);
        out.printf(Locale.ROOT, "plan: %dx%d, %d frames, offload=%s, dtype=%s%n", req.width(), req.height(),
                req.frames(), req.offload(), req.dtype());
        out.printf(Locale.ROOT, "%-30s %12s %12s %12s%n", "stage", "weights", "activations", "peak");
        for (StageUsage s : plan.stages()) {
            out.printf(Locale.ROOT, "%-30s %12s %12s %12s%n", s.stage(), Bytes.format(s.weightBytes()),
                    Bytes.format(s.activationBytes()), Bytes.format(s.peakBytes()));
        }
        out.println("largest block: " + plan.largestBlock().getKey() + " " + Bytes.format(plan.largestBlock().getValue())
                + "; peak during " + plan.peakStage());
        out.println(plan.summaryLine());
        return 0;
    }

    private static int integer(Map<String, String> o, String key) {
        try {
            return Integer.parseInt(o.get(key));
        } catch (NumberFormatException e) {
            throw new Cli.UsageException(key + " must be an integer but is '" + o.get(key) + "'");
        }
    }
}
