package io.hunyuan4j.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output modes follow the umask or the replaced file; no temporary file outlives a killed writer. */
class OutputFilesTest {

    @TempDir
    Path dir;

    private static Process child(String shellPrefix, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder cmd = new StringBuilder(shellPrefix).append("exec '").append(java).append("' -Xshare:off -cp '")
                .append(System.getProperty("java.class.path")).append("' ").append(OutputFilesChild.class.getName());
        for (String a : args) {
            cmd.append(" '").append(a).append('\'');
        }
        return new ProcessBuilder("sh", "-c", cmd.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void replacedFileKeepsItsMode() throws IOException {
        Path out = Files.writeString(dir.resolve("v.mp4"), "old");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
        OutputFiles.writeAtomically(out, tmp -> Files.writeString(tmp, "new"));
        assertEquals("new", Files.readString(out));
        assertEquals("rw-------", mode(out));
    }

    @Test
    void newFileFollowsTheUmask() throws Exception {
        Path out = dir.resolve("private.mp4");
        Process p = child("umask 077; ", "write", out.toString());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "child failed");
        assertEquals("rw-------", mode(out));
        Path shared = dir.resolve("shared.mp4");
        Process q = child("umask 022; ", "write", shared.toString());
        assertTrue(q.waitFor(60, TimeUnit.SECONDS) && q.exitValue() == 0, "child failed");
        assertEquals("rw-r--r--", mode(shared));
    }

    @Test
    void sigtermDuringTheWriteLeavesNoTemporaryFile() throws Exception {
        Path out = dir.resolve("v.mp4");
        Path marker = dir.resolve("started");
        Process p = child("", "hang", out.toString(), marker.toString());
        waitFor(marker, p);
        assertTrue(names().stream().anyMatch(n -> n.startsWith(".v.mp4.") && n.endsWith(".tmp")), names()::toString);
        p.destroy(); // SIGTERM: shutdown hooks run
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(List.of("started"), names());
    }

    @Test
    void killedWritersTemporaryFileIsRemovedByTheNextWrite() throws Exception {
        Path out = dir.resolve("v.mp4");
        Path marker = dir.resolve("started");
        Process p = child("", "hang", out.toString(), marker.toString());
        waitFor(marker, p);
        p.destroyForcibly(); // SIGKILL: no hook runs
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(names().stream().anyMatch(n -> n.endsWith(".tmp")), "the kill left a temporary file");
        OutputFiles.writeAtomically(out, tmp -> Files.writeString(tmp, "video"));
        assertEquals(List.of("started", "v.mp4"), names());
    }

    @Test
    void unwritableFolderIsRefusedUpFront() {
        Path proc = Path.of("/proc/self/v.mp4");
        assumeTrue(Files.isDirectory(proc.getParent()), "no /proc");
        var e = assertThrows(IllegalArgumentException.class, () -> OutputFiles.requireWritable(proc, "mp4"));
        assertTrue(e.getMessage().contains("cannot write in folder"), e.getMessage());
    }

    private static void waitFor(Path marker, Process p) throws InterruptedException {
        for (int i = 0; i < 600 && !Files.exists(marker); i++) {
            assertTrue(p.isAlive(), "child exited early");
            Thread.sleep(100);
        }
        assertTrue(Files.exists(marker), "child never started writing");
    }
}
