package io.hunyuan4j.core.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolving a component folder to its weights, as diffusers does. */
class CheckpointsTest {

    @TempDir
    Path dir;

    private static SafetensorsWriter one(String name) {
        return new SafetensorsWriter().add(name, new float[] {1f}, DType.F32, 1);
    }

    @Test
    void singleFileShardedAndVariants() throws IOException {
        Path vae = Files.createDirectory(dir.resolve("vae"));
        one("a").write(vae.resolve("diffusion_pytorch_model.safetensors"));
        try (TensorSource s = Checkpoints.open(vae)) {
            assertTrue(s instanceof SafetensorsFile);
        }
        // a variant beside the default: diffusers loads the default
        one("b").write(vae.resolve("diffusion_pytorch_model.fp16.safetensors"));
        try (TensorSource s = Checkpoints.open(vae)) {
            assertTrue(s.names().contains("a"), "the default file wins over the fp16 variant");
        }
        Path te = Files.createDirectory(dir.resolve("text_encoder"));
        one("x").add("y", new float[] {2f}, DType.F32, 1).writeSharded(te, "model", 4);
        try (TensorSource s = Checkpoints.open(te)) {
            assertTrue(s instanceof ShardedSafetensors);
            assertEquals(2, ((ShardedSafetensors) s).shards().size());
        }
        try (TensorSource s = Checkpoints.open(te.resolve("model.safetensors.index.json"))) {
            assertEquals(2, s.names().size());
        }
        try (TensorSource s = Checkpoints.open(vae.resolve("diffusion_pytorch_model.fp16.safetensors"))) {
            assertTrue(s.names().contains("b"), "an explicit file is opened as given");
        }
    }

    @Test
    void emptyAmbiguousOrAbsentFoldersAreNamed() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoints.open(empty)).getMessage()
                .contains("holds no *.safetensors file"));
        Path two = Files.createDirectory(dir.resolve("two"));
        one("a").write(two.resolve("x.safetensors"));
        one("b").write(two.resolve("y.safetensors"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoints.open(two)).getMessage()
                .contains("several *.safetensors files"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoints.open(dir.resolve("nope")))
                .getMessage().contains("does not exist"));
    }
}
