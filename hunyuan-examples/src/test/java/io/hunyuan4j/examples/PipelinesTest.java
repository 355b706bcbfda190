package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Generator;
import io.hunyuan4j.core.pipeline.HunyuanVideoFamily;
import io.hunyuan4j.core.pipeline.PipelineFamily;
import io.hunyuan4j.core.pipeline.Pipelines;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.testing.TinyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Pipelines}: one entry point that picks the family from {@code model_index.json}. */
class PipelinesTest {

    private static final GenerationRequest REQUEST = GenerationRequest.of("a red fox in the snow")
            .withSize(32, 48).withFrames(5).withSteps(2).withSeed(11);

    @Test
    void aHunyuanVideoFolderLoadsAsTheVideoPipelineWithTheSameFrames(@TempDir Path dir) throws IOException {
        Path model = TinyModel.writeDiffusersFolder(dir);
        Video viaPipelines;
        try (Generator g = Pipelines.fromPretrained(model)) {
            assertInstanceOf(VideoPipeline.class, g);
            assertEquals(HunyuanVideoFamily.NAME, g.family());
            assertEquals(GenerationRequest.of("x"), g.request("x"));
            viaPipelines = g.generate(REQUEST);
        }
        Video direct;
        try (VideoPipeline p = VideoPipeline.fromPretrained(model)) {
            direct = p.generate(REQUEST);
        }
        assertEquals(direct.frameCount(), viaPipelines.frameCount());
        for (int i = 0; i < direct.frameCount(); i++) {
            assertArrayEquals(direct.frame(i), viaPipelines.frame(i), "frame " + i);
        }
    }

    @Test
    void aPipelineNoFamilyLoadsIsRefusedNamingTheLoadableOnes(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("model_index.json"), "{\"_class_name\": \"FluxPipeline\"}");
        ConfigException e = assertThrows(ConfigException.class, () -> Pipelines.fromPretrained(dir));
        assertTrue(e.getMessage().contains("FluxPipeline") && e.getMessage().contains("HunyuanVideoPipeline"),
                e.getMessage());
    }

    @Test
    void familiesAreFoundByName() {
        List<String> names = Pipelines.families().stream().map(PipelineFamily::name).toList();
        assertTrue(names.contains(HunyuanVideoFamily.NAME), names.toString());
        assertEquals(HunyuanVideoFamily.NAME, Pipelines.family(HunyuanVideoFamily.NAME).name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pipelines.family("sdxl"));
        assertTrue(e.getMessage().contains("sdxl") && e.getMessage().contains(HunyuanVideoFamily.NAME),
                e.getMessage());
    }

    @Test
    void aMissingFolderIsNamed(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pipelines.fromPretrained(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
}
