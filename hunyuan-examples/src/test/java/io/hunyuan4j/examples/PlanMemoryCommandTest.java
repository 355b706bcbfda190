package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.golden.GoldenCheck;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code plan-memory} as README runs it, in both option spellings, and its usage errors. */
class PlanMemoryCommandTest {

    private static final String MANIFESTS = GoldenCheck.fixturesDir().resolve("manifests").toString();

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    @Test
    void readmeCommandPrintsThePlanAndTheSummaryLine() {
        CliRun r = cli("plan-memory", "--manifests", MANIFESTS, "--budget", "6GiB", "--offload", "block", "--height",
                "720", "--width", "1280", "--frames", "129", "--dtype", "bf16");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("plan: 1280x720, 129 frames, offload=BLOCK, dtype=BF16", lines.get(0));
        assertTrue(lines.get(1).matches("stage\\s+weights\\s+activations\\s+peak"), lines.get(1));
        assertTrue(lines.get(lines.size() - 2).startsWith("largest block: transformer."), r.out());
        assertTrue(lines.get(lines.size() - 1).matches("peak=\\d+\\.\\d+ GiB budget=6\\.00 GiB fits=(true|false)"),
                r.out());
        CliRun equals = cli("plan-memory", "--manifests=" + MANIFESTS, "--budget=6GiB", "--offload=block",
                "--height=720", "--width=1280", "--frames=129", "--dtype=bf16");
        assertEquals(r, equals, "--name=value means --name value");
    }

    @Test
    void missingAndBadOptionsAreNamed() {
        CliRun missing = cli("plan-memory", "--manifests", MANIFESTS, "--budget", "6GiB");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("Missing required options: '--offload=none|model|block', '--height=H',"
                + " '--width=W', '--frames=F'"), missing.err());
        CliRun budget = cli("plan-memory", "--manifests", MANIFESTS, "--budget", "6XB", "--offload", "block",
                "--height", "720", "--width", "1280", "--frames", "129");
        assertEquals(2, budget.code());
        assertTrue(budget.err().startsWith("error: Invalid value for option '--budget': cannot parse size '6XB'"),
                budget.err());
        for (CliRun r : List.of(missing, budget)) {
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void fp8WeightsLowerThePeakOfModelOffloadAndAreNamedInThePlan() {
        String[] common = {"plan-memory", "--manifests", MANIFESTS, "--budget", "24GiB", "--offload", "model",
            "--height", "720", "--width", "1280", "--frames", "129"};
        CliRun compute = cli(common);
        String[] fp8Args = java.util.Arrays.copyOf(common, common.length + 2);
        fp8Args[common.length] = "--weights-dtype";
        fp8Args[common.length + 1] = "fp8";
        CliRun fp8 = cli(fp8Args);
        assertEquals(0, fp8.code(), fp8.err());
        assertEquals("plan: 1280x720, 129 frames, offload=MODEL, dtype=BF16, weights=fp8", fp8.out().lines().findFirst()
                .orElseThrow());
        assertTrue(peakGiB(fp8) < peakGiB(compute) - 5, "13B in FP8 saves ~12 GiB under MODEL offload: "
                + peakGiB(fp8) + " vs " + peakGiB(compute));
        fp8Args[common.length + 1] = "int4";
        CliRun bad = cli(fp8Args);
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--weights-dtype") && bad.err().contains("fp8"), bad.err());
    }

    private static double peakGiB(CliRun r) {
        String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        return Double.parseDouble(last.substring("peak=".length(), last.indexOf(" GiB")));
    }

    private static String fits(String family, String manifests, String offload, String... size) {
        String[] base = {"plan-memory", "--family", family, "--manifests", manifests, "--budget", "6GiB",
            "--offload", offload, "--dtype", "bf16"};
        String[] all = java.util.Arrays.copyOf(base, base.length + size.length);
        System.arraycopy(size, 0, all, base.length, size.length);
        CliRun r = cli(all);
        assertEquals(0, r.code(), r.err());
        String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        return last.substring(last.indexOf("fits=") + "fits=".length());
    }

    @Test
    void hunyuanDiTAt1024FitsSixGiBWithBlockOffloadOrModelWithABf16Mt5() {
        String m = Path.of(MANIFESTS).resolveSibling("../golden-hunyuandit/manifests").normalize().toString();
        String[] size = {"--height", "1024", "--width", "1024", "--frames", "1"};
        assertEquals("false", fits("hunyuandit", m, "none", size));
        // the mT5 stays float32 under bf16 by default (T5Precision): 6.22 GiB of weights alone in MODEL offload
        assertEquals("false", fits("hunyuandit", m, "model", size));
        assertEquals("true", fits("hunyuandit", m, "block", size));
        String[] bf16T5 = java.util.Arrays.copyOf(size, size.length + 2);
        bf16T5[size.length] = "--t5-dtype";
        bf16T5[size.length + 1] = "compute";
        assertEquals("true", fits("hunyuandit", m, "model", bf16T5), "MODEL with the bf16 mT5 opt-in");
    }

    @Test
    void cogVideoXAt480x720x49FitsSixGiBOnlyWithBlockOffload() {
        String m = Path.of(MANIFESTS).resolveSibling("../golden-cogvideox/manifests").normalize().toString();
        String[] size = {"--height", "480", "--width", "720", "--frames", "49"};
        for (String variant : new String[] {"2b", "5b"}) {
            String[] withVariant = java.util.Arrays.copyOf(size, size.length + 2);
            withVariant[size.length] = "--variant";
            withVariant[size.length + 1] = variant;
            assertEquals("false", fits("cogvideox", m, "model", withVariant), variant + ": T5-XXL alone is 8.9 GiB");
            assertEquals("true", fits("cogvideox", m, "block", withVariant), variant);
        }
    }
}
