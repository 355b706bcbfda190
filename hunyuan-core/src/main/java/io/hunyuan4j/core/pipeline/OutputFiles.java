package io.hunyuan4j.core.pipeline;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Output-path checks and atomic writes. Call {@link #requireWritable} before any model work so a typo in the
 * output path fails in milliseconds, not after the denoising loop.
 */
public final class OutputFiles {

    private OutputFiles() {}

    /** Writes the content of one file to the given (temporary) path. */
    @FunctionalInterface
    public interface Writer {
        /** Writes to {@code tmp}. */
        void write(Path tmp) throws IOException;
    }

    /**
     * Checks that {@code file} can be written: its extension is one of {@code extensions} (case-insensitive,
     * without the dot), its parent folder exists and it is not a folder itself.
     *
     * @return the matched extension, lower case
     * @throws IllegalArgumentException naming the path and the rule
     */
    public static String requireWritable(Path file, String... extensions) {
        Path abs = file.toAbsolutePath();
        String name = abs.getFileName() == null ? "" : abs.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (Arrays.stream(extensions).noneMatch(ext::equals)) {
            throw new IllegalArgumentException("output " + file + " must end with ."
                    + String.join(" or .", extensions) + " but ends with '" + (dot < 0 ? "" : "." + ext) + "'");
        }
        Path parent = abs.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("output " + file + ": parent folder " + parent + " does not exist");
        }
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException("output " + file + " is a folder; expected a file path");
        }
        if (Files.exists(abs) && !Files.isRegularFile(abs)) {
            throw new IllegalArgumentException("output " + file + " exists and is not a regular file");
        }
        probe(parent, file);
        return ext;
    }

    /**
     * Creates and deletes a temporary file in {@code dir}: the only reliable test, since permission bits do not
     * tell about read-only mounts, {@code /proc}, immutable folders or full quotas.
     */
    private static void probe(Path dir, Path file) {
        Path p = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".probe");
        try {
            Files.deleteIfExists(Files.createFile(p));
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("output " + file + ": cannot write in folder " + dir + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }

    /** Checks that {@code dir} is a folder or can be created as one (its parent exists), and creates it. */
    public static void requireDirectory(Path dir) {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return;
        }
        if (Files.exists(abs)) {
            throw new IllegalArgumentException("output folder " + dir + " exists and is not a folder");
        }
        Path parent = abs.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("output folder " + dir + ": parent folder " + parent
                    + " does not exist");
        }
        try {
            Files.createDirectory(abs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output folder " + dir, e);
        }
    }

    /**
     * Writes through a temporary file in the target's folder, then renames it over the target (atomically
     * where the file system allows). On any failure the temporary file is deleted and the target untouched.
     *
     * <p>Modes: a replaced file keeps its permissions; a new file gets the process umask's default, as if
     * written directly. Temporary files ({@code .NAME.<pid>.<n>.tmp}) are deleted at JVM shutdown (SIGTERM,
     * Ctrl-C) if a write is still running, and the next write of {@code NAME} removes those left by a process that
     * no longer runs (one killed with SIGKILL).
     *
     * @throws UncheckedIOException if the file cannot be written, naming it
     */
    public static void writeAtomically(Path file, Writer writer) {
        Path abs = file.toAbsolutePath();
        Path dir = Objects.requireNonNull(abs.getParent(), () -> file + " names no file");
        TempFiles.removeStale(dir, abs.getFileName().toString());
        Path tmp = null;
        try {
            tmp = TempFiles.create(dir, abs.getFileName().toString());
            writer.write(tmp);
            keepMode(abs, tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            TempFiles.done(tmp);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                TempFiles.delete(tmp);
            }
        }
    }

    static void writePng(BufferedImage img, Path file) throws IOException {
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    /** A replaced file keeps its permission bits (a 0600 video stays private). */
    private static void keepMode(Path target, Path tmp) throws IOException {
        if (Files.exists(target) && Files.getFileAttributeView(target, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
        }
    }
}
