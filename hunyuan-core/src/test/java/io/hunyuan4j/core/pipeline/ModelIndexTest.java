package io.hunyuan4j.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** model_index.json naming another pipeline or other component classes is refused before any loading. */
class ModelIndexTest {

    static final String VALID = """
            {"_class_name": "HunyuanVideoPipeline", "_diffusers_version": "0.32.0",
             "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
             "text_encoder": ["transformers", "LlamaModel"], "text_encoder_2": ["transformers", "CLIPTextModel"],
             "tokenizer": ["transformers", "LlamaTokenizerFast"], "tokenizer_2": ["transformers", "CLIPTokenizer"],
             "transformer": ["diffusers", "HunyuanVideoTransformer3DModel"],
             "vae": ["diffusers", "AutoencoderKLHunyuanVideo"]}
            """;

    @TempDir
    Path dir;

    private Path folder(String index) throws IOException {
        for (String c : ModelIndex.COMPONENTS) {
            Files.createDirectories(dir.resolve(c));
        }
        Files.writeString(dir.resolve("model_index.json"), index);
        return dir;
    }

    private void refused(String index, String key) throws IOException {
        Path d = folder(index);
        ConfigException e = assertThrows(ConfigException.class, () -> ModelIndex.check(d), index);
        assertTrue(e.getMessage().contains("model_index.json") && e.getMessage().contains("\"" + key + "\""),
                e.getMessage());
    }

    @Test
    void thePublishedIndexPasses() throws IOException {
        Path d = folder(VALID);
        assertDoesNotThrow(() -> ModelIndex.check(d));
    }

    @Test
    void wrongClassNamesAreRefused() throws IOException {
        refused(VALID.replace("AutoencoderKLHunyuanVideo", "AutoencoderKLCogVideoX"), "vae");
        refused(VALID.replace("HunyuanVideoTransformer3DModel", "FluxTransformer2DModel"), "transformer");
        refused(VALID.replace("\"HunyuanVideoPipeline\"", "\"FluxPipeline\""), "_class_name");
        refused(VALID.replace("FlowMatchEulerDiscreteScheduler", "DDIMScheduler"), "scheduler");
        refused(VALID.replace("[\"transformers\", \"CLIPTextModel\"]", "\"CLIPTextModel\""), "text_encoder_2");
        refused(VALID.replace("[\"transformers\", \"LlamaModel\"]", "[\"transformers\", 3]"), "text_encoder");
    }

    @Test
    void malformedIndexIsAConfigException() throws IOException {
        Path d = folder("[1, 2]");
        assertThrows(ConfigException.class, () -> ModelIndex.check(d));
        Files.write(d.resolve("model_index.json"), new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'});
        ConfigException e = assertThrows(ConfigException.class, () -> ModelIndex.check(d));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }
}
