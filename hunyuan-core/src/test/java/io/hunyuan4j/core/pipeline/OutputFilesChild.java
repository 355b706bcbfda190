package io.hunyuan4j.core.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A separate JVM for {@link OutputFilesTest}: {@code write FILE} writes FILE atomically; {@code hang FILE MARKER}
 * starts writing FILE, creates MARKER and waits to be killed.
 */
public final class OutputFilesChild {

    private OutputFilesChild() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        if (args[0].equals("write")) {
            OutputFiles.writeAtomically(file, tmp -> Files.writeString(tmp, "video"));
            return;
        }
        Path marker = Path.of(args[2]);
        OutputFiles.writeAtomically(file, tmp -> {
            Files.writeString(tmp, "half a video");
            Files.createFile(marker);
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
