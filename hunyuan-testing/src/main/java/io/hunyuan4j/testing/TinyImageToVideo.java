package io.hunyuan4j.testing;

import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.api.ImageConditionType;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.transformer.TransformerConfig;
import io.hunyuan4j.core.weights.InMemoryTensors;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.text.LlavaConfig;
import io.hunyuan4j.text.LlavaTextEncoder;
import io.hunyuan4j.text.TinyTokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tiny model as a downloaded HunyuanVideo-I2V folder ({@code HunyuanVideoImageToVideoPipeline}, diffusers
 * layout): {@link TinyModel}'s VAE, CLIP and scheduler, an image-to-video DiT, a tiny LLaVA {@code text_encoder}
 * (CLIP vision tower of 28 x 28 pixels in 2 x 2 patches, projector, {@link TinyModel}'s Llama with one more token,
 * {@code <image>}), its tokenizer and {@code image_processor/preprocessor_config.json}. Seeded random weights,
 * written as safetensors, so a test loads it with {@code Pipelines.fromPretrained} or the CLI's {@code --model}.
 * {@link #writeSkyreelsFolder} writes a SkyReels-V1 I2V folder the same way.
 */
public final class TinyImageToVideo {

    /** {@code image_token_index}: the id of {@code <image>}, appended after the tiny Llama tokenizer's tokens. */
    public static final int IMAGE_TOKEN_ID = TinyTokenizers.LLAMA_VOCAB_SIZE;

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private static final String LLAVA_CONFIG = """
            {"architectures": ["LlavaForConditionalGeneration"], "model_type": "llava", "image_token_index": %d,
             "pad_token_id": %d, "vision_feature_layer": -2, "vision_feature_select_strategy": "default",
             "projector_hidden_act": "gelu",
             "vision_config": {"model_type": "clip_vision_model", "hidden_size": 8, "intermediate_size": 16,
               "num_hidden_layers": 2, "num_attention_heads": 2, "image_size": 28, "patch_size": 14,
               "num_channels": 3, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-05},
             "text_config": {"model_type": "llama", "vocab_size": %d, "hidden_size": 16, "intermediate_size": 32,
               "num_hidden_layers": 3, "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 8,
               "hidden_act": "silu", "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "rope_scaling": null,
               "max_position_embeddings": 2048, "attention_bias": false, "mlp_bias": false}}
            """.formatted(IMAGE_TOKEN_ID, TinyTokenizers.LLAMA_PAD_ID, IMAGE_TOKEN_ID + 1);

    private static final String PREPROCESSOR_CONFIG = """
            {"image_processor_type": "CLIPImageProcessor", "do_resize": true, "size": {"shortest_edge": 28},
             "resample": 3, "do_center_crop": true, "crop_size": {"height": 28, "width": 28}, "do_rescale": true,
             "rescale_factor": 0.00392156862745098, "do_normalize": true,
             "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
             "do_convert_rgb": true}
            """;

    private TinyImageToVideo() {}

    /** The tiny LLaVA's config. */
    public static LlavaConfig llavaConfig() {
        return LlavaConfig.fromJson(JsonConfig.parse("tiny-i2v/text_encoder/config.json", LLAVA_CONFIG));
    }

    /**
     * Writes the folder.
     *
     * @param dir an existing, empty folder
     * @param type {@link ImageConditionType#TOKEN_REPLACE} or {@link ImageConditionType#LATENT_CONCAT}
     * @return {@code dir}
     * @throws IllegalArgumentException for {@link ImageConditionType#NONE}
     * @throws IOException if a file cannot be written
     */
    public static Path writeDiffusersFolder(Path dir, ImageConditionType type) throws IOException {
        if (type == ImageConditionType.NONE) {
            throw new IllegalArgumentException("type NONE is text-to-video: use TinyModel.writeDiffusersFolder");
        }
        Files.writeString(dir.resolve("model_index.json"), """
                {"_class_name": "HunyuanVideoImageToVideoPipeline", "_diffusers_version": "0.33.0",
                 "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
                 "text_encoder": ["transformers", "LlavaForConditionalGeneration"],
                 "text_encoder_2": ["transformers", "CLIPTextModel"],
                 "tokenizer": ["transformers", "PreTrainedTokenizerFast"], "tokenizer_2": ["transformers", "CLIPTokenizer"],
                 "transformer": ["diffusers", "HunyuanVideoTransformer3DModel"],
                 "vae": ["diffusers", "AutoencoderKLHunyuanVideo"],
                 "image_processor": ["transformers", "CLIPImageProcessor"]}
                """);
        TransformerConfig config = TinyModel.transformerConfig(type);
        String transformerJson = TinyModel.configJson("transformer")
                .replace("\"image_condition_type\": null", "\"image_condition_type\": \"" + type.configValue() + "\"");
        if (type == ImageConditionType.LATENT_CONCAT) {
            transformerJson = transformerJson.replace("\"in_channels\": 4", "\"in_channels\": " + config.inChannels())
                    .replace("\"guidance_embeds\": true", "\"guidance_embeds\": false");
        }
        write(dir, "transformer", transformerJson, "diffusion_pytorch_model.safetensors", InMemoryTensors.builder()
                .label("tiny-i2v/transformer").seed(TinyModel.SEED + 10)
                .randomLike(HunyuanVideoTransformer3D.expectedShapes(config)).build());
        write(dir, "vae", TinyModel.configJson("vae"), "diffusion_pytorch_model.safetensors", TinyModel.weights("vae"));
        write(dir, "text_encoder", LLAVA_CONFIG, "model.safetensors", InMemoryTensors.builder()
                .label("tiny-i2v/text_encoder").seed(TinyModel.SEED + 11).randomLike(llavaShapes()).build());
        write(dir, "text_encoder_2", TinyModel.configJson("text_encoder_2"), "model.safetensors",
                TinyModel.weights("text_encoder_2"));
        Files.createDirectories(dir.resolve("scheduler"));
        Files.writeString(dir.resolve("scheduler/scheduler_config.json"), TinyModel.configJson("scheduler"));
        Files.createDirectories(dir.resolve("image_processor"));
        Files.writeString(dir.resolve("image_processor/preprocessor_config.json"), PREPROCESSOR_CONFIG);
        TinyTokenizers.write(dir);
        // the Llama tokenizer with <image> added, as LLaVA-Llama-3's tokenizer has it
        JsonObject tokenizer = JsonParser.parseString(TinyTokenizers.llamaJson()).getAsJsonObject();
        JsonObject image = new JsonObject();
        image.addProperty("id", IMAGE_TOKEN_ID);
        image.addProperty("content", "<image>");
        image.addProperty("single_word", false);
        image.addProperty("lstrip", false);
        image.addProperty("rstrip", false);
        image.addProperty("normalized", false);
        image.addProperty("special", true);
        tokenizer.getAsJsonArray("added_tokens").add(image);
        Files.writeString(dir.resolve("tokenizer/tokenizer.json"), GSON.toJson(tokenizer));
        return dir;
    }

    /**
     * Writes {@link TinyModel}'s folder as a SkyReels-V1 I2V one ({@code HunyuanSkyreelsImageToVideoPipeline}): the
     * same text encoders, VAE and scheduler, a DiT taking 2 x 4 = 8 channels (latents, then the image latent).
     *
     * @param dir an existing, empty folder
     * @return {@code dir}
     * @throws IOException if a file cannot be written
     */
    public static Path writeSkyreelsFolder(Path dir) throws IOException {
        TinyModel.writeDiffusersFolder(dir);
        Path index = dir.resolve("model_index.json");
        Files.writeString(index, Files.readString(index).replace("\"HunyuanVideoPipeline\"",
                "\"HunyuanSkyreelsImageToVideoPipeline\""));
        try (var files = Files.list(dir.resolve("transformer"))) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        String json = TinyModel.configJson("transformer").replace("\"in_channels\": 4", "\"in_channels\": 8");
        TransformerConfig config = TransformerConfig.fromJson(JsonConfig.parse("tiny-skyreels/transformer", json));
        write(dir, "transformer", json, "diffusion_pytorch_model.safetensors", InMemoryTensors.builder()
                .label("tiny-skyreels/transformer").seed(TinyModel.SEED + 12)
                .randomLike(HunyuanVideoTransformer3D.expectedShapes(config)).build());
        return dir;
    }

    private static void write(Path dir, String component, String config, String file, InMemoryTensors weights)
            throws IOException {
        Path folder = Files.createDirectories(dir.resolve(component));
        Files.writeString(folder.resolve("config.json"), config);
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        w.addAll(weights);
        w.write(folder.resolve(file));
    }

    /** The names and shapes the LLaVA encoder binds, from a shape-only probe. */
    private static Map<String, Shape> llavaShapes() {
        StateDict probe = StateDict.shapeOnly(Map.of(), "tiny-i2v (probe)");
        new LlavaTextEncoder(probe, llavaConfig(), AttentionBackends.defaultBackend());
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Parameter p : probe.boundParameters()) {
            shapes.put(p.name(), p.shape());
        }
        return shapes;
    }
}
