package io.hunyuan4j.examples.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.Bf16Sweep;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.ops.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * bf16 accuracy probe for docs/bf16-cpu.md: prints this CPU (model name, family, model, bf16/AMX flags), then
 * {@link Bf16Sweep}'s table: per op class the worst error of libtorch's own bf16 op on the raw shapes and of the
 * SDK's F op, each against float32 on the same bf16-rounded inputs, and every case over the bound. With
 * {@code --perf}, also times bf16 conv3d on VAE- and DiT-sized shapes, libtorch's convolution against F's.
 *
 * <pre>
 * Bf16Probe [--full] [--perf] [--bound 1e-2]
 * </pre>
 */
public final class Bf16Probe {

    private static final Shape ONE = new Shape(1, 1, 1);

    private Bf16Probe() {}

    /**
     * Prints the CPU line and the sweep table, and with {@code --perf} the conv3d timings.
     *
     * @param args {@code [--full] [--perf] [--bound 1e-2]}
     * @throws IOException if {@code /proc/cpuinfo} cannot be read
     */
    public static void main(String[] args) throws IOException {
        boolean full = false;
        boolean perf = false;
        double bound = 1e-2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--full" -> full = true;
                case "--perf" -> perf = true;
                case "--bound" -> bound = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --full --perf --bound X");
            }
        }
        System.out.println("cpu: " + cpu());
        System.out.println("threads: " + Runtime.getRuntime().availableProcessors() + " available; "
                + Kernels.status(Device.cpu()));
        try (NDManager m = NDManager.newBaseManager()) {
            long t0 = System.nanoTime();
            List<Bf16Sweep.Row> rows = Bf16Sweep.run(m, full ? Bf16Sweep.Extent.FULL : Bf16Sweep.Extent.QUICK, true);
            System.out.printf(Locale.ROOT, "%n%d cases (%s) in %.1f s; error = max|bf16 - f32| / max|f32|, bound %.0e%n%n",
                    rows.size(), full ? "full" : "quick", (System.nanoTime() - t0) / 1e9, bound);
            table(rows, bound);
            if (perf) {
                perf(m);
            }
        }
    }

    private static void table(List<Bf16Sweep.Row> rows, double bound) {
        Map<String, List<Bf16Sweep.Row>> byOp = new LinkedHashMap<>();
        for (Bf16Sweep.Row r : rows) {
            byOp.computeIfAbsent(r.op(), k -> new ArrayList<>()).add(r);
        }
        System.out.println("| op | cases | libtorch bf16: worst (case) | libtorch > bound | F: worst (case) | F > bound |");
        System.out.println("|---|---|---|---|---|---|");
        List<Bf16Sweep.Row> bad = new ArrayList<>();
        for (Map.Entry<String, List<Bf16Sweep.Row>> e : byOp.entrySet()) {
            Bf16Sweep.Row wf = e.getValue().get(0);
            Bf16Sweep.Row ws = wf;
            int overF = 0;
            int overS = 0;
            for (Bf16Sweep.Row r : e.getValue()) {
                wf = r.fusedErr() > wf.fusedErr() ? r : wf;
                ws = r.sdkErr() > ws.sdkErr() ? r : ws;
                if (r.fusedErr() > bound) {
                    overF++;
                }
                if (r.sdkErr() > bound) {
                    overS++;
                }
                if (r.fusedErr() > bound || r.sdkErr() > bound) {
                    bad.add(r);
                }
            }
            System.out.printf(Locale.ROOT, "| %s | %d | %.4f (%s) | %d | %.4f (%s) | %d |%n", e.getKey(),
                    e.getValue().size(), wf.fusedErr(), wf.config(), overF, ws.sdkErr(), ws.config(), overS);
        }
        System.out.printf(Locale.ROOT, "%ncases over %.0e: %d%n", bound, bad.size());
        for (Bf16Sweep.Row r : bad) {
            System.out.printf(Locale.ROOT, "  %s %s: libtorch %.4f, F %.4f%n", r.op(), r.config(), r.fusedErr(),
                    r.sdkErr());
        }
    }

    /** Best-of-3 wall time of bf16 conv3d: libtorch's convolution of the raw shapes against F.conv3d. */
    private static void perf(NDManager m) {
        System.out.println();
        System.out.println("| conv3d bf16 | libtorch ms | F ms | F path |");
        System.out.println("|---|---|---|---|");
        perfCase(m, "VAE conv_in 3->128 k3", new long[] {1, 3, 11, 130, 130}, new long[] {128, 3, 3, 3, 3}, ONE,
                "channels padded 3->16");
        perfCase(m, "VAE mid 128->128 k3", new long[] {1, 128, 11, 66, 66}, new long[] {128, 128, 3, 3, 3}, ONE,
                "unchanged");
        perfCase(m, "VAE conv_out 128->3 k3", new long[] {1, 128, 11, 130, 130}, new long[] {3, 128, 3, 3, 3}, ONE,
                "channels padded 3->16");
        perfCase(m, "VAE shortcut 128->256 k1", new long[] {1, 128, 9, 64, 64}, new long[] {256, 128, 1, 1, 1}, ONE,
                "unchanged");
        perfCase(m, "DiT patch 16->3072 k1x2x2", new long[] {1, 16, 9, 60, 104}, new long[] {3072, 16, 1, 2, 2},
                new Shape(1, 2, 2),
                "reshape + linear");
    }

    private static void perfCase(NDManager parent, String name, long[] xs, long[] ws, Shape s, String path) {
        try (NDManager m = parent.newSubManager()) {
            NDArray x = F.toBf16(m.randomNormal(new Shape(xs)));
            NDArray w = F.toBf16(m.randomNormal(new Shape(ws)).mul(0.05f));
            NDArray b = F.toBf16(m.randomNormal(new Shape(ws[0])));
            Shape p = new Shape(0, 0, 0);
            Shape dil = new Shape(1, 1, 1);
            double raw = best(() -> x.getNDArrayInternal().convolution(x, w, b, s, p, dil, 1).singletonOrThrow());
            double sdk = best(() -> F.conv3d(x, w, b, s, p));
            System.out.printf(Locale.ROOT, "| %s on %s | %.1f | %.1f | %s |%n", name, new Shape(xs), raw, sdk, path);
        }
    }

    private static double best(Supplier<NDArray> f) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            long t = System.nanoTime();
            NDArray y = f.get();
            double ms = (System.nanoTime() - t) / 1e6;
            y.close();
            if (i > 0) {
                best = Math.min(best, ms);
            }
        }
        return best;
    }

    /** "model name / cpu family / model / stepping; flags" from /proc/cpuinfo, or the os.arch where absent. */
    static String cpu() throws IOException {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return System.getProperty("os.arch");
        }
        Map<String, String> f = new LinkedHashMap<>();
        for (String line : Files.readAllLines(info)) {
            int c = line.indexOf(':');
            if (line.isBlank() && !f.isEmpty()) {
                break; // first processor only
            }
            if (c > 0) {
                f.putIfAbsent(line.substring(0, c).trim(), line.substring(c + 1).trim());
            }
        }
        List<String> flags = new ArrayList<>();
        for (String flag : f.getOrDefault("flags", "").split(" ")) {
            if (flag.startsWith("avx512") || flag.startsWith("amx") || flag.startsWith("avx_vnni")
                    || flag.equals("avx2")) {
                flags.add(flag);
            }
        }
        return String.format("%s (vendor %s, family %s, model %s, stepping %s); flags %s",
                f.getOrDefault("model name", "?"), f.getOrDefault("vendor_id", "?"), f.getOrDefault("cpu family", "?"),
                f.getOrDefault("model", "?"), f.getOrDefault("stepping", "?"), String.join(" ", flags));
    }
}
