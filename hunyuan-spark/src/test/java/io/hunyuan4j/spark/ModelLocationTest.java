package io.hunyuan4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model locations: local ones read in place, remote ones copied once, whole, under a final name. */
class ModelLocationTest {

    @Test
    void localPathsAndFileUrisAreReadInPlaceOtherSchemesAreCopied(@TempDir Path dir) throws IOException {
        assertTrue(ModelLocation.isLocal("/models/HunyuanVideo"));
        assertTrue(ModelLocation.isLocal("relative/model dir"));
        assertTrue(ModelLocation.isLocal("file:///models/HunyuanVideo"));
        assertFalse(ModelLocation.isLocal("hdfs://namenode:8020/models/HunyuanVideo"));
        assertFalse(ModelLocation.isLocal("s3a://bucket/models/HunyuanVideo"));
        assertEquals(dir, ModelLocation.localize(dir.toString(), new Configuration(false), dir.resolve("cache")));
        assertEquals(dir, ModelLocation.localize(dir.toUri().toString(), new Configuration(false), dir.resolve("c")));
    }

    @Test
    void aCopyAppearsWholeUnderItsNameAndIsMadeOnce(@TempDir Path dir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/transformer"));
        Files.writeString(dir.resolve("src/model_index.json"), "{}");
        Files.write(src.resolve("w.safetensors"), new byte[4096]);
        Path cache = Files.createDirectories(dir.resolve("cache"));
        FileSystem local = FileSystem.getLocal(new Configuration(false));
        Path target = cache.resolve("hunyuan4j-model-x");

        assertEquals(target, ModelLocation.copy(local, new org.apache.hadoop.fs.Path(dir.resolve("src").toUri()),
                target));
        assertEquals(4096, Files.size(target.resolve("transformer/w.safetensors")));
        assertTrue(Files.exists(target.resolve("model_index.json")));
        Files.delete(dir.resolve("src/model_index.json"));
        assertEquals(target, ModelLocation.copy(local, new org.apache.hadoop.fs.Path(dir.resolve("src").toUri()),
                target));
        assertTrue(Files.exists(target.resolve("model_index.json")), "the existing copy is reused, not made again");
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(List.of(target), files.toList(), "no partial copy left beside it");
        }
    }
}
