package io.hunyuan4j.core.weights;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hunyuan4j.core.HunyuanException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regressions of the reliability issue: inputs that hung, were accepted or were misreported. */
class SafetensorsReliabilityTest {

    @TempDir
    Path dir;

    /** Makes a named pipe; false where mkfifo is not available. */
    static boolean mkfifo(Path p) throws IOException, InterruptedException {
        try {
            Process proc = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return proc.waitFor() == 0 && Files.exists(p);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void fifoInComponentFolderFailsInsteadOfBlocking() throws Exception {
        Path fifo = dir.resolve("diffusion_pytorch_model.safetensors");
        assumeTrue(mkfifo(fifo), "mkfifo unavailable");
        SafetensorsException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(SafetensorsException.class, () -> Checkpoints.open(dir).close()));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        assertTrue(e.getMessage().contains(fifo.toString()), e.getMessage());
        SafetensorsException direct = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(SafetensorsException.class, () -> Checkpoints.open(fifo).close()));
        assertTrue(direct.getMessage().contains("not a regular file"), direct.getMessage());
    }

    @Test
    void fifoIndexFailsInsteadOfBlocking() throws Exception {
        Path fifo = dir.resolve("model.safetensors.index.json");
        assumeTrue(mkfifo(fifo), "mkfifo unavailable");
        SafetensorsException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(SafetensorsException.class, () -> Checkpoints.open(dir).close()));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void nonUtf8TensorNameIsRejected() throws IOException {
        byte[] entry = RawFiles.entry("w\u0000", "F32", "[1]", 0, 4).getBytes(StandardCharsets.UTF_8);
        // replace the NUL placeholder with a lone continuation byte: not UTF-8
        byte[] header = ("{" + new String(entry, StandardCharsets.ISO_8859_1) + "}")
                .getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < header.length; i++) {
            if (header[i] == 0) {
                header[i] = (byte) 0x80;
            }
        }
        Path f = RawFiles.write(dir.resolve("latin.safetensors"), header.length, header, RawFiles.floats(1f));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(f).close());
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void duplicatedMetadataIsNamedAsSuch() throws IOException {
        Path f = RawFiles.write(dir.resolve("meta2.safetensors"), "{\"__metadata__\":{},\"__metadata__\":{},"
                + RawFiles.entry("w", "F32", "[1]", 0, 4) + "}", RawFiles.floats(1f));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(f).close());
        assertTrue(e.getMessage().contains("\"__metadata__\" appears twice"), e.getMessage());
        assertFalse(e.getMessage().contains("duplicate tensor name"), e.getMessage());
    }

    @Test
    void byteLengthOverflowIsExplained() throws IOException {
        Path f = RawFiles.write(dir.resolve("big.safetensors"),
                "{" + RawFiles.entry("w", "F32", "[4611686018427387904]", 0, 4) + "}", RawFiles.floats(1f));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(f).close());
        assertFalse(e.getMessage().contains("= -1"), e.getMessage());
        assertTrue(e.getMessage().contains("more than a file can hold"), e.getMessage());
    }

    @Test
    void nonUtf8IndexIsASafetensorsException() throws IOException {
        Path index = dir.resolve("model.safetensors.index.json");
        byte[] json = "{\"weight_map\": {\"w\u00e9\": \"a.safetensors\"}}".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(index, json);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(index));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void everySafetensorsErrorIsAHunyuanException() {
        assertTrue(HunyuanException.class.isAssignableFrom(SafetensorsException.class));
        assertTrue(HunyuanException.class.isAssignableFrom(CheckpointMismatchException.class));
    }
}
