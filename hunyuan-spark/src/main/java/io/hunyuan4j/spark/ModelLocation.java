package io.hunyuan4j.spark;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a model folder (diffusers layout) is, as the executors see it. A plain path or a {@code file:} URI is
 * read in place (it must then exist on every executor: a shared mount, or the same copy on each node); any other
 * Hadoop-compatible URI ({@code hdfs://}, {@code s3a://}, {@code abfs://}, {@code gs://}) is copied once per
 * executor JVM to a local folder, because the weight reader maps safetensors files, which needs a local file.
 */
final class ModelLocation {

    /** The file every diffusers-layout model folder holds. */
    static final String MODEL_INDEX = "model_index.json";

    private ModelLocation() {}

    /** Whether the location is read in place (a local path or a {@code file:} URI). */
    static boolean isLocal(String location) {
        String scheme = uri(location).getScheme();
        return scheme == null || scheme.equals("file") || location.matches("^[A-Za-z]:[\\\\/].*");
    }

    /**
     * Checks, on the driver, that the location is a folder holding {@value #MODEL_INDEX}, so that a wrong path
     * fails the call at once rather than every task.
     *
     * @throws IllegalArgumentException naming the location and what is missing
     * @throws IOException if the file system cannot be reached
     */
    static void check(String location, Configuration conf) throws IOException {
        Path dir = hadoopPath(location);
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(new Path(dir, MODEL_INDEX))) {
            throw new IllegalArgumentException("model location '" + location + "' holds no " + MODEL_INDEX
                    + "; give the folder of a diffusers-layout model (or no model for the embedded tiny one)");
        }
    }

    /**
     * The local folder to load from: the location itself when it is local, else a copy under {@code cacheRoot}
     * (made once; later calls in this JVM find it).
     *
     * @throws IOException if the copy fails
     */
    static java.nio.file.Path localize(String location, Configuration conf, java.nio.file.Path cacheRoot)
            throws IOException {
        if (isLocal(location)) {
            URI u = uri(location);
            return u.getScheme() == null ? Paths.get(location) : Paths.get(u);
        }
        Path src = hadoopPath(location);
        return copy(src.getFileSystem(conf), src, cacheRoot.resolve("hunyuan4j-model-" + digest(location)));
    }

    /** Copies to a unique partial name, then renames, so a concurrent or killed copy never looks complete. */
    static java.nio.file.Path copy(FileSystem fs, Path src, java.nio.file.Path target) throws IOException {
        if (Files.isDirectory(target)) {
            return target;
        }
        java.nio.file.Path partial = target.resolveSibling(target.getFileName() + ".partial-" + UUID.randomUUID());
        try {
            fs.copyToLocalFile(false, src, new Path(partial.toUri()), true);
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
            }
            return target;
        } finally {
            deleteTree(partial);
        }
    }

    private static void deleteTree(java.nio.file.Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<java.nio.file.Path> walk = Files.walk(dir)) {
            for (java.nio.file.Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Path hadoopPath(String location) {
        return isLocal(location) && uri(location).getScheme() == null
                ? new Path(Paths.get(location).toAbsolutePath().toUri())
                : new Path(uri(location));
    }

    private static URI uri(String location) {
        try {
            return new URI(location);
        } catch (URISyntaxException e) {
            // a local path with characters a URI does not allow (spaces)
            return Paths.get(location).toAbsolutePath().toUri();
        }
    }

    private static String digest(String location) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(location.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
