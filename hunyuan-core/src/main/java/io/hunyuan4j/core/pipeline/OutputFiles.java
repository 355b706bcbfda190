package io.hunyuan4j.core.pipeline;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
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
        return ext;
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
     */
    public static void writeAtomically(Path file, Writer writer) {
        Path abs = file.toAbsolutePath();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".tmp");
            writer.write(tmp);
            readableByAll(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the original failure is what the caller needs to see
                }
            }
        }
    }

    static void writePng(BufferedImage img, Path file) throws IOException {
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    /**
     * createTempFile makes the file owner-only (0600); a finished video gets the usual 0644, as a file the
     * program had written directly would.
     */
    private static void readableByAll(Path tmp) throws IOException {
        if (Files.getFileAttributeView(tmp, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}
