package io.hunyuan4j.core.pipeline;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The temporary files of {@link OutputFiles#writeAtomically}: {@code .NAME.<pid>.<n>.tmp} beside the target, so
 * that a later write can tell whose they are. Those still being written are deleted by a shutdown hook; those of
 * a process that no longer runs are deleted by the next write of the same target.
 */
final class TempFiles {

    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();
    /** Names written by older versions ({@code Files.createTempFile}: one random number, no pid). */
    private static final Duration LEGACY_AGE = Duration.ofHours(1);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> IN_FLIGHT.forEach(TempFiles::delete),
                "hunyuan4j-temp-cleanup"));
    }

    private TempFiles() {}

    /**
     * Creates an empty temporary file for {@code name} in {@code dir}. It is created like any new file (mode
     * {@code 0666} less the umask), not owner-only as {@code Files.createTempFile} would make it.
     */
    static Path create(Path dir, String name) throws IOException {
        while (true) {
            Path p = dir.resolve("." + name + "." + PID + "." + COUNTER.incrementAndGet() + ".tmp");
            try {
                Files.createFile(p);
                IN_FLIGHT.add(p);
                return p;
            } catch (FileAlreadyExistsException taken) {
                // left by an earlier process with our pid: try the next number
            }
        }
    }

    /** {@code tmp} was renamed onto its target. */
    static void done(Path tmp) {
        IN_FLIGHT.remove(tmp);
    }

    /** Deletes {@code tmp}, best effort: the write's own failure is what matters. */
    static void delete(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // nothing more to do; the next write of the target retries
        }
        IN_FLIGHT.remove(tmp);
    }

    /** Deletes the temporary files for {@code name} in {@code dir} that no running process is writing. */
    static void removeStale(Path dir, String name) {
        Pattern own = Pattern.compile(Pattern.quote("." + name + ".") + "(\\d+)(?:\\.(\\d+))?\\.tmp");
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "." + globQuote(name) + ".*.tmp")) {
            for (Path p : s) {
                Matcher m = own.matcher(p.getFileName().toString());
                if (m.matches() && stale(p, m) && Files.isRegularFile(p)) {
                    delete(p);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // cleanup is best effort: an unreadable folder fails the write itself, with a message
        }
    }

    private static boolean stale(Path p, Matcher m) throws IOException {
        if (m.group(2) == null) { // the legacy form: only age tells
            FileTime t = Files.getLastModifiedTime(p);
            return t.toInstant().isBefore(Instant.now().minus(LEGACY_AGE));
        }
        long pid;
        try {
            pid = Long.parseLong(m.group(1));
        } catch (NumberFormatException notOurs) {
            return false;
        }
        return pid == PID ? !IN_FLIGHT.contains(p) : ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    private static String globQuote(String s) {
        return s.replaceAll("([*?\\[\\]{}\\\\])", "\\\\$1");
    }
}
