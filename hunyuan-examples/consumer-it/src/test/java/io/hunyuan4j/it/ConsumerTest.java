package io.hunyuan4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK as a dependency: an application with the BOM, core, text, vae and logback generates a video with the
 * tiny model in a fresh JVM (so SLF4J initialises there, with this class path and nothing else), and SLF4J says
 * nothing on stderr (no "multiple providers", no "no providers"): the SDK brings no logging backend of its own.
 */
class ConsumerTest {

    @Test
    void generatesAVideoWithLogbackAndNoSlf4jWarning(@TempDir Path dir) throws IOException, InterruptedException {
        Path mp4 = dir.resolve("tiny.mp4");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", classPath, GenerateTinyVideo.class.getName(),
                mp4.toString()).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the generation did not finish in 5 minutes");
        String stdout = out.join();
        String stderr = err.join();
        String both = "stdout:\n" + stdout + "\nstderr:\n" + stderr;

        assertEquals(0, p.exitValue(), both);
        List<String> slf4j = stderr.lines().filter(l -> l.contains("SLF4J")).toList();
        assertTrue(slf4j.isEmpty(), "SLF4J warned on stderr: " + slf4j + "\n" + both);
        assertTrue(stdout.contains("logger factory: ch.qos.logback.classic.LoggerContext"),
                "logback is the SLF4J provider\n" + both);
        assertTrue(stdout.contains("frames: 5"), both);
        assertTrue(Files.size(mp4) > 0, "the MP4 was written");
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
