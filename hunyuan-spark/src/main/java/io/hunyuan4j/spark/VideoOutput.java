package io.hunyuan4j.spark;

import io.hunyuan4j.core.pipeline.Video;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The output folder: {@code ID.mp4} per request, written through Hadoop's {@link FileSystem} API.
 *
 * <p>A video is written to a hidden temporary name ({@code .ID.mp4.attempt-T.tmp}, T Spark's unique task attempt
 * id) and then renamed to {@code ID.mp4}, so the final name only ever holds a complete file: a reader, or a re-run,
 * that sees {@code ID.mp4} sees all of it. The leading dot hides temporary files from Hadoop and Spark readers
 * ({@code FileInputFormat} skips names starting with {@code .} or {@code _}). A temporary file left by an attempt
 * that died between write and rename (executor lost, JVM killed) is ignored by the retry, which writes its own,
 * and deleted by {@link #sweep} when the job ends.
 *
 * <p>On HDFS and local disks the rename is atomic. On object stores (S3A, GCS) a rename is a copy then a delete,
 * but the final object still appears in one piece (a single PUT), so the guarantee that the final name holds a
 * complete file holds there too; only the cost differs.
 */
final class VideoOutput {

    /** What a complete MP4 starts with: a box size (4 bytes), then the {@code ftyp} box type. */
    private static final byte[] FTYP = "ftyp".getBytes(StandardCharsets.US_ASCII);
    private static final String EXTENSION = ".mp4";
    private static final String TEMP_MARK = EXTENSION + ".attempt-";
    private static final String TEMP_SUFFIX = ".tmp";

    private final FileSystem fs;
    private final Path dir;

    /**
     * @param fs the output's file system (for {@code file:} the raw local one, which keeps no {@code .crc}
     *     side files)
     * @param dir the output folder, qualified
     */
    private VideoOutput(FileSystem fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    /** The output folder at {@code uri} (any Hadoop-compatible URI or local path). */
    static VideoOutput at(String uri, org.apache.hadoop.conf.Configuration conf) throws IOException {
        Path dir = new Path(uri);
        FileSystem fs = dir.getFileSystem(conf);
        if (fs instanceof LocalFileSystem local) {
            fs = local.getRaw();
        }
        return new VideoOutput(fs, fs.makeQualified(dir));
    }

    /** Creates the folder (on the driver, before any task runs). */
    void create() throws IOException {
        if (!fs.mkdirs(dir)) {
            throw new IOException("cannot create output folder " + dir);
        }
    }

    /** Where request {@code id}'s video goes. */
    Path target(String id) {
        return new Path(dir, id + EXTENSION);
    }

    /**
     * Whether {@code file} holds a complete video: only a rename of a fully written temporary file creates the
     * final name, and the {@code ftyp} check guards against a file someone else truncated there.
     */
    boolean isComplete(Path file) throws IOException {
        FileStatus status;
        try {
            status = fs.getFileStatus(file);
        } catch (FileNotFoundException e) {
            return false;
        }
        if (!status.isFile() || status.getLen() < 8) {
            return false;
        }
        byte[] head = new byte[8];
        try (FSDataInputStream in = fs.open(file)) {
            in.readFully(0, head);
        }
        return Arrays.equals(Arrays.copyOfRange(head, 4, 8), FTYP);
    }

    /** The temporary name of task attempt {@code taskAttemptId}'s write of {@code id}. */
    Path temp(String id, long taskAttemptId) {
        return new Path(dir, "." + id + TEMP_MARK + taskAttemptId + TEMP_SUFFIX);
    }

    /** Something to run between the temporary write and the rename (a test's simulated crash); shipped to executors. */
    interface BeforeRename extends java.io.Serializable {
        /** Does nothing. */
        BeforeRename NONE = (id, temp) -> { };

        /**
         * @param id the request
         * @param temp the complete temporary file
         * @throws IOException to fail the write like a file-system error
         */
        void run(String id, Path temp) throws IOException;
    }

    /**
     * Writes the video as {@code id}'s output: temporary file, then rename. If the rename finds the target already
     * complete (a concurrent speculative attempt won), this attempt's file is dropped: both are the same bytes.
     *
     * @return the output's URI
     * @throws IOException if writing or renaming fails; this attempt's temporary file is deleted
     */
    Path write(String id, Video video, long taskAttemptId, BeforeRename beforeRename) throws IOException {
        Path tmp = temp(id, taskAttemptId);
        Path target = target(id);
        try {
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                video.writeMp4(out);
            }
            beforeRename.run(id, tmp);
            if (!fs.rename(tmp, target)) {
                if (!isComplete(target)) {
                    throw new IOException("cannot rename " + tmp + " to " + target);
                }
                fs.delete(tmp, false);
            }
            return target;
        } catch (IOException | RuntimeException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Deletes the temporary files of attempts that died between write and rename. Call it when no task of the job
     * runs any more (after the job), never while one might.
     *
     * @return how many were deleted
     */
    int sweep() throws IOException {
        FileStatus[] leftovers = fs.globStatus(new Path(dir, ".*" + TEMP_MARK + "*" + TEMP_SUFFIX));
        int deleted = 0;
        if (leftovers != null) {
            for (FileStatus s : leftovers) {
                if (fs.delete(s.getPath(), false)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }
}
