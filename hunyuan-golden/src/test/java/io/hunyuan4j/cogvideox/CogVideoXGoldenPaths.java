package io.hunyuan4j.cogvideox;

import java.nio.file.Files;
import java.nio.file.Path;

/** The CogVideoX fixture root, from the {@code hunyuan.golden.cogvideox} system property the build sets. */
final class CogVideoXGoldenPaths {

    private CogVideoXGoldenPaths() {}

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
