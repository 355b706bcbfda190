package io.hunyuan4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the golden fixtures are, and the error they are compared by, for the module tests below the parity
 * harness ({@code hunyuan-golden} depends on this module, so these tests cannot use its {@code GoldenCheck}). Shared
 * through this module's test jar with the vae, text and golden tests.
 */
public final class GoldenFiles {

    /** bf16 bound on max relative error against the float32 fixtures (the 3e-2, as in {@code GoldenOptions}). */
    public static final double BF16_TOLERANCE = 3e-2;

    private GoldenFiles() {}

    /**
     * The fixture root named by the {@code hunyuan.golden} system property (the build sets it to
     * {@code ../shared/golden} beside the repository).
     *
     * @throws IllegalStateException if unset or missing: tests fail loudly rather than skip
     */
    public static Path dir() {
        String p = System.getProperty("hunyuan.golden");
        if (p == null || p.isBlank()) {
            throw new IllegalStateException("system property hunyuan.golden is not set; run the tests through"
                    + " Maven from the repository, or pass -Dhunyuan.golden=<dir with the golden fixtures>");
        }
        Path dir = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("golden fixtures not found at " + dir + " (hunyuan.golden)");
        }
        return dir;
    }

    /** {@code max|got - ref| / max|ref|} (absolute error when ref is all zeros); NaN if got has NaN. */
    public static double maxRelErr(NDArray got, NDArray ref) {
        NDArray g = got.toType(DataType.FLOAT32, false);
        NDArray r = ref.toType(DataType.FLOAT32, false);
        if (g.isNaN().any().getBoolean()) {
            return Double.NaN;
        }
        double diff = g.sub(r).abs().max().getFloat();
        double scale = r.abs().max().getFloat();
        return scale == 0 ? diff : diff / scale;
    }
}
