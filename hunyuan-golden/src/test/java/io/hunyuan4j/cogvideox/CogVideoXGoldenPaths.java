package io.hunyuan4j.cogvideox;

import java.nio.file.Files;
import java.nio.file.Path;

/** The CogVideoX fixture root, from the {@code hunyuan.golden.cogvideox} system property the build sets. */
final class CogVideoXGoldenPaths {

    private CogVideoXGoldenPaths() {}

    /** The held-out set made with tools/golden/spec_cogvideox_heldout.py (test resources). */
    static Path heldOut() {
        try {
            return Path.of(CogVideoXGoldenPaths.class.getResource("/golden-sets/cogvideox-heldout").toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("held-out set golden-sets/cogvideox-heldout not on the test class path", e);
        }
    }

    /** {@code public/<component>/<case>} or {@code heldout/<component>/<case>}. */
    static Path fixture(String spec) {
        int slash = spec.indexOf('/');
        String set = spec.substring(0, slash);
        Path base = set.equals("heldout") ? heldOut() : root();
        return base.resolve(spec.substring(slash + 1));
    }

    static Path root() {
        String p = System.getProperty("hunyuan.golden.cogvideox");
        if (p == null || p.isBlank()) {
            throw new IllegalStateException("system property hunyuan.golden.cogvideox is not set; run the tests"
                    + " through Maven, or pass -Dhunyuan.golden.cogvideox=<dir>");
        }
        Path dir = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("CogVideoX golden fixtures not found at " + dir);
        }
        return dir;
    }
}
