package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.ImageConditionType;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.pipeline.ConditionImage;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Generator;
import io.hunyuan4j.core.pipeline.Pipelines;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.testing.TinyImageToVideo;
import io.hunyuan4j.testing.TinyModel;
import io.hunyuan4j.text.LlavaPromptEncoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A diffusers-layout HunyuanVideo-I2V folder ({@code HunyuanVideoImageToVideoPipeline}) written by the test
 * ({@link TinyImageToVideo}: safetensors weights, LLaVA text encoder, tokenizers, image processor config) loaded by
 * {@link Pipelines#fromPretrained} and the CLI's {@code --model}: the LLaVA encoder reads prompt and image, and a
 * folder with a wrong or missing component is refused naming what was expected.
 */
class ImageToVideoFolderTest {

    private static BufferedImage picture(int w, int h, int shift) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 255 / w + shift) & 0xff) << 16 | (y * 255 / h) << 8 | 128);
            }
        }
        return img;
    }

    private static GenerationRequest request(Generator g, String prompt, BufferedImage image) {
        return g.request(prompt).withImage(ConditionImage.of(image)).withSize(16, 32).withFrames(5).withSteps(2)
                .withSeed(3);
    }

    private static float[] frames(Video v) {
        float[] all = new float[0];
        for (int f = 0; f < v.frameCount(); f++) {
            float[] frame = v.frame(f);
            float[] next = Arrays.copyOf(all, all.length + frame.length);
            System.arraycopy(frame, 0, next, all.length, frame.length);
            all = next;
        }
        return all;
    }

    @Test
    void loadsAndAnimatesWithTheLlavaEncoder(@TempDir Path dir) throws IOException {
        TinyImageToVideo.writeDiffusersFolder(dir, ImageConditionType.TOKEN_REPLACE);
        BufferedImage image = picture(40, 30, 0);
        try (Generator g = Pipelines.fromPretrained(dir, ComponentOptions.defaults(), Offload.MODEL)) {
            assertEquals("hunyuanvideo", g.family());
            Video a = g.generate(request(g, "the cat turns its head", image));
            assertEquals(5, a.frameCount());
            assertEquals(16, a.height());
            // model offload closes the LLaVA encoder after encoding; the second call reloads it: same video
            Video again = g.generate(request(g, "the cat turns its head", image));
            assertArrayEquals(frames(a), frames(again));
            // the prompt and the image both reach the DiT through the LLaVA embeddings
            Video otherPrompt = g.generate(request(g, "a dog runs on the beach", image));
            assertFalse(Arrays.equals(frames(a), frames(otherPrompt)));
            Video otherImage = g.generate(request(g, "the cat turns its head", picture(40, 30, 90)));
            assertFalse(Arrays.equals(frames(a), frames(otherImage)));
        }
    }

    @Test
    void latentConcatFolderDropsTheFirstFourFrames(@TempDir Path dir) throws IOException {
        TinyImageToVideo.writeDiffusersFolder(dir, ImageConditionType.LATENT_CONCAT);
        try (Generator g = Pipelines.fromPretrained(dir)) {
            Video v = g.generate(request(g, "waves", picture(48, 32, 0)).withFrames(9));
            assertEquals(5, v.frameCount());
        }
    }

    @Test
    void cliGeneratesFromTheFolder(@TempDir Path dir) throws IOException {
        Path model = Files.createDirectories(dir.resolve("model"));
        TinyImageToVideo.writeDiffusersFolder(model, ImageConditionType.TOKEN_REPLACE);
        Path png = dir.resolve("in.png");
        ImageIO.write(picture(40, 30, 0), "png", png.toFile());
        Path out = dir.resolve("out.mp4");
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Cli.run(new String[] {"generate", "--model", model.toString(), "--image", png.toString(),
            "--prompt", "the cat turns its head", "--height", "32", "--width", "48", "--frames", "5", "--steps", "2",
            "--out", out.toString()}, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        String log = o.toString(StandardCharsets.UTF_8) + e.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, log);
        assertTrue(o.toString(StandardCharsets.UTF_8).contains("wrote " + out + ": 5 frames 32x48"), log);
        assertTrue(Files.size(out) > 0);
    }

    @Test
    void aTextToVideoEncoderClassIsRefused(@TempDir Path dir) throws IOException {
        TinyImageToVideo.writeDiffusersFolder(dir, ImageConditionType.TOKEN_REPLACE);
        Path index = dir.resolve("model_index.json");
        Files.writeString(index, Files.readString(index).replace("LlavaForConditionalGeneration", "LlamaModel"));
        ConfigException e = assertThrows(ConfigException.class, () -> Pipelines.fromPretrained(dir));
        assertTrue(e.getMessage().contains("text_encoder") && e.getMessage().contains("LlavaForConditionalGeneration"),
                e.getMessage());
    }

    @Test
    void aMissingImageProcessorIsNamed(@TempDir Path dir) throws IOException {
        TinyImageToVideo.writeDiffusersFolder(dir, ImageConditionType.TOKEN_REPLACE);
        Files.delete(dir.resolve("image_processor/preprocessor_config.json"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pipelines.fromPretrained(dir));
        assertTrue(e.getMessage().contains("image_processor/preprocessor_config.json"), e.getMessage());
        Files.delete(dir.resolve("image_processor"));
        e = assertThrows(IllegalArgumentException.class, () -> Pipelines.fromPretrained(dir));
        assertTrue(e.getMessage().contains("image_processor/"), e.getMessage());
    }

    @Test
    void aTextToVideoTransformerIsRefused(@TempDir Path dir) throws IOException {
        TinyImageToVideo.writeDiffusersFolder(dir, ImageConditionType.TOKEN_REPLACE);
        Path config = dir.resolve("transformer/config.json");
        Files.writeString(config, Files.readString(config).replace("\"token_replace\"", "null"));
        ConfigException e = assertThrows(ConfigException.class, () -> Pipelines.fromPretrained(dir));
        assertTrue(e.getMessage().contains("image_condition_type") && e.getMessage().contains("token_replace"),
                e.getMessage());
    }

    @Test
    void skyreelsFolderRunsWithTrueCfgByDefault(@TempDir Path dir) throws IOException {
        TinyImageToVideo.writeSkyreelsFolder(dir);
        try (Generator g = Pipelines.fromPretrained(dir)) {
            GenerationRequest r = request(g, "the cat turns its head", picture(40, 30, 0));
            assertEquals(6.0f, r.trueCfgScale());
            assertEquals(1.0f, r.guidanceScale());
            Video cfg = g.generate(r.withNegativePrompt("blurry"));
            assertEquals(5, cfg.frameCount());
            assertEquals(2 * 2, cfg.provenance().modelEvaluations(), "true CFG: two DiT calls per step");
            Video noNegative = g.generate(r);
            assertFalse(Arrays.equals(frames(cfg), frames(noNegative)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> g.generate(g.request("no image").withSize(16, 32).withFrames(5).withSteps(1)));
            assertTrue(e.getMessage().contains("SkyReels") && e.getMessage().contains("withImage"), e.getMessage());
        }
    }

    @Test
    void aSkyreelsFolderWithATextToVideoTransformerIsRefused(@TempDir Path dir) throws IOException {
        TinyModel.writeDiffusersFolder(dir);
        Path index = dir.resolve("model_index.json");
        Files.writeString(index, Files.readString(index).replace("\"HunyuanVideoPipeline\"",
                "\"HunyuanSkyreelsImageToVideoPipeline\""));
        ConfigException e = assertThrows(ConfigException.class, () -> Pipelines.fromPretrained(dir));
        assertTrue(e.getMessage().contains("in_channels 4") && e.getMessage().contains("(8)"), e.getMessage());
    }

    @Test
    void theLlavaEncoderNeedsTheImage(@TempDir Path dir) throws IOException {
        TinyImageToVideo.writeDiffusersFolder(dir, ImageConditionType.TOKEN_REPLACE);
        try (LlavaPromptEncoder enc = LlavaPromptEncoder.load(dir, ComponentOptions.defaults());
                NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> enc.encode(List.of("a cat"), m));
            assertTrue(e.getMessage().contains("image"), e.getMessage());
            // the template numbers for the tiny tokenizer and the 28 / 14 vision tower: 4 image positions
            assertEquals(4, enc.assembly().imageEmbLen());
            PromptEmbeds p = enc.encode(List.of("a cat", "a dog"), ConditionImage.of(picture(40, 30, 0)).toRgb8(), 2,
                    m);
            // 4 / 2 image tokens + 256 - 4 text tokens, per prompt
            assertEquals(new Shape(2, 2 + 252, 16), p.promptEmbeds().getShape());
            assertEquals(new Shape(2, 8), p.pooled().getShape());
        }
    }
}
