package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.Precision;
import io.hunyuan4j.golden.ComponentResult.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Runs every fixture component found under a directory against the SDK and compares each output tensor by
 * {@code max|got - ref| / max|ref|}. A NaN, a missing output or a shape mismatch fails the component.
 */
public final class GoldenCheck {

    private final Map<String, GoldenComponent> components;

    /**
     * With the given implementations.
     *
     * @param components one per fixture name; a later one replaces an earlier one of the same name
     */
    public GoldenCheck(Iterable<GoldenComponent> components) {
        Map<String, GoldenComponent> m = new LinkedHashMap<>();
        for (GoldenComponent c : components) {
            m.put(c.name(), c);
        }
        this.components = Map.copyOf(m);
    }

    /**
     * With every implementation on the class path.
     *
     * @return a check over the {@link GoldenComponent}s that {@link ServiceLoader} finds
     */
    public static GoldenCheck discover() {
        return new GoldenCheck(ServiceLoader.load(GoldenComponent.class));
    }

    /**
     * The fixture root named by the {@code hunyuan.golden} system property (the build sets it to
     * {@code ../shared/golden} beside the repository).
     *
     * @return the absolute, normalised folder
     * @throws IllegalStateException if unset or missing: tests fail loudly rather than skip
     */
    public static Path fixturesDir() {
        String p = System.getProperty("hunyuan.golden");
        if (p == null || p.isBlank()) {
            throw new IllegalStateException("system property hunyuan.golden is not set; run the tests through"
                    + " Maven from the repository, or pass -Dhunyuan.golden=<dir with the golden fixtures>");
        }
        Path dir = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("golden fixtures not found at " + dir
                    + " (hunyuan.golden); expected ../shared/golden beside the repository");
        }
        return dir;
    }

    /**
     * Names of the implemented components.
     *
     * @return the fixture names this check can run
     */
    public java.util.Set<String> implemented() {
        return components.keySet();
    }

    /**
     * Checks {@code dir}: a fixture folder itself or a folder of fixture folders (those holding
     * {@code outputs.safetensors}, or, for a component with several cases, their case folders), in name order.
     *
     * @param dir the folder
     * @param options compute dtype of the components
     * @return one result per fixture folder
     * @throws IllegalArgumentException if {@code dir} is missing or holds no fixture folder, or if
     *     {@code -Dhunyuan.precision=fast} would let GPU convolutions run in TF32
     */
    public List<ComponentResult> run(Path dir, GoldenOptions options) {
        if (Precision.configured() != Precision.STRICT) {
            throw new IllegalArgumentException("golden-check compares with float32 fixtures and needs strict float32:"
                    + " unset -D" + Precision.PROPERTY + " (it is '" + System.getProperty(Precision.PROPERTY) + "')");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("golden directory " + dir + " does not exist");
        }
        List<Path> folders = new ArrayList<>();
        if (Files.isRegularFile(dir.resolve("outputs.safetensors"))) {
            folders.add(dir);
        } else {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.sorted().toList()) {
                    if (Files.isRegularFile(p.resolve("outputs.safetensors"))) {
                        folders.add(p);
                    } else if (Files.isDirectory(p)) {
                        folders.addAll(caseFolders(p)); // a component of several cases: <component>/<case>/
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (folders.isEmpty()) {
            throw new IllegalArgumentException(dir + " holds no fixture folder (none has outputs.safetensors)");
        }
        List<ComponentResult> results = new ArrayList<>();
        for (Path f : folders) {
            results.add(check(f, options));
        }
        return results;
    }

    /** The case folders directly below {@code dir} (those holding {@code outputs.safetensors}), in name order. */
    private static List<Path> caseFolders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("outputs.safetensors"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks one fixture folder; an exception while running the component is a FAIL, not thrown.
     *
     * @param folder the fixture folder, named after its component, or a case folder inside one
     * @param options compute dtype of the component
     * @return PASS, FAIL or SKIP (no implementation of that name)
     */
    public ComponentResult check(Path folder, GoldenOptions options) {
        String name = folder.getFileName().toString();
        GoldenComponent c = components.get(name);
        Path parent = folder.getParent();
        if (c == null && parent != null && parent.getFileName() != null) {
            // a case folder (e.g. cogvideox_transformer/2b) is checked by its parent's component
            GoldenComponent byParent = components.get(parent.getFileName().toString());
            if (byParent != null) {
                c = byParent;
                name = parent.getFileName() + "/" + name;
            }
        }
        if (c == null) {
            return new ComponentResult(name, Status.SKIP, Double.NaN, "not implemented by the SDK yet", 0, null);
        }
        double tol = options.computeDtype() == ComputeDtype.BF16 ? c.bf16Tolerance() : c.tolerance();
        try (GoldenFixture fx = GoldenFixture.open(folder);
                NDManager manager = NDManager.newBaseManager(options.device())) {
            Map<String, NDArray> got = c.run(fx, manager, options);
            double worstErr = 0;
            String worst = "-";
            List<String> problems = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            boolean bf16 = options.computeDtype() == ComputeDtype.BF16;
            for (String out : fx.outputs().names()) {
                NDArray g = got.get(out);
                if (g == null) {
                    problems.add("missing output " + out);
                    continue;
                }
                NDArray ref = fx.outputs().load(out, manager, DataType.FLOAT32);
                if (!ref.getShape().equals(g.getShape())) {
                    problems.add(out + " shape " + g.getShape() + " expected " + ref.getShape());
                    continue;
                }
                double err = maxRelErr(g, ref);
                if (Double.isNaN(err)) {
                    problems.add(out + " has NaN");
                    worstErr = Double.NaN;
                    worst = out;
                    continue;
                }
                if (!Double.isNaN(worstErr) && err > worstErr) {
                    worstErr = err;
                    worst = out;
                }
                if (bf16 && firstStep(c, out)) {
                    double first = maxRelErr(g.get(0), ref.get(0));
                    boolean ok = first <= GoldenOptions.BF16_TOLERANCE;
                    String note = String.format(java.util.Locale.ROOT, "first step %s %.3e %s %.0e", out, first,
                            ok ? "<=" : ">", GoldenOptions.BF16_TOLERANCE);
                    (ok ? notes : problems).add(note);
                }
            }
            boolean pass = problems.isEmpty() && !Double.isNaN(worstErr) && worstErr <= tol;
            return new ComponentResult(name, pass ? Status.PASS : Status.FAIL, worstErr, worst, tol,
                    !problems.isEmpty() ? String.join("; ", problems) : notes.isEmpty() ? null
                            : String.join("; ", notes));
        } catch (RuntimeException e) {
            return new ComponentResult(name, Status.FAIL, Double.NaN, "error", tol,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static boolean firstStep(GoldenComponent c, String output) {
        for (String n : c.bf16FirstStepOutputs()) {
            if (output.equals(n) || output.endsWith("." + n)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code max|got - ref| / max|ref|} (absolute error when ref is all zeros); NaN if got has NaN where ref has
     * none, or differs from ref where ref is NaN or infinite (those positions are otherwise left out).
     *
     * @param got the computed tensor
     * @param ref the expected tensor, same shape
     * @return the error, in float32
     */
    public static double maxRelErr(NDArray got, NDArray ref) {
        NDArray g = got.toType(DataType.FLOAT32, false);
        NDArray r = ref.toType(DataType.FLOAT32, false);
        NDArray gotNaN = g.isNaN();
        NDArray refNaN = r.isNaN();
        if (gotNaN.logicalAnd(refNaN.logicalNot()).any().getBoolean()) {
            return Double.NaN;
        }
        if (refNaN.any().getBoolean() || r.isInfinite().any().getBoolean()) {
            // diagnostics (e.g. scheduler coefficients) hold NaN / inf where the reference does: those positions
            // must match exactly, the finite ones are compared as usual
            NDArray nonFinite = refNaN.logicalOr(r.isInfinite());
            NDArray same = g.eq(r).logicalOr(gotNaN.logicalAnd(refNaN));
            if (nonFinite.logicalAnd(same.logicalNot()).any().getBoolean()) {
                return Double.NaN;
            }
            NDArray zeros = g.zerosLike();
            NDArray diff = NDArrays.where(nonFinite, zeros, g.sub(r).abs());
            NDArray scale = NDArrays.where(nonFinite, zeros, r.abs());
            double d = diff.max().getFloat();
            double sc = scale.max().getFloat();
            return sc == 0 ? d : d / sc;
        }
        double diff = g.sub(r).abs().max().getFloat();
        double scale = r.abs().max().getFloat();
        return scale == 0 ? diff : diff / scale;
    }

    /**
     * The summary line: counts of PASS, FAIL and SKIP.
     *
     * @param results the report
     * @return {@code golden-check: <n> passed, <n> failed, <n> skipped}
     */
    public static String summary(List<ComponentResult> results) {
        long pass = results.stream().filter(r -> r.status() == Status.PASS).count();
        long fail = results.stream().filter(r -> r.status() == Status.FAIL).count();
        long skip = results.stream().filter(r -> r.status() == Status.SKIP).count();
        return "golden-check: " + pass + " passed, " + fail + " failed, " + skip + " skipped";
    }
}
