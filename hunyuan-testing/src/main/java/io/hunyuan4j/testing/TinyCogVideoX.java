package io.hunyuan4j.testing;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.cogvideox.pipeline.CogVideoXFamily;
import io.hunyuan4j.cogvideox.pipeline.CogVideoXPipeline;
import io.hunyuan4j.cogvideox.pipeline.VaeImageLatentEncoder;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformer3DModel;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformerConfig;
import io.hunyuan4j.cogvideox.vae.AutoencoderKLCogVideoX;
import io.hunyuan4j.cogvideox.vae.CogVideoXTiling;
import io.hunyuan4j.cogvideox.vae.CogVideoXVaeConfig;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.pipeline.Generator;
import io.hunyuan4j.core.scheduler.CogVideoXDDIMScheduler;
import io.hunyuan4j.core.scheduler.CogVideoXSchedulerConfig;
import io.hunyuan4j.core.weights.InMemoryTensors;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.text.TextTokenizer;
import io.hunyuan4j.text.TinyTokenizers;
import io.hunyuan4j.text.cogvideox.CogVideoXPromptEncoder;
import io.hunyuan4j.text.t5.T5Config;
import io.hunyuan4j.text.t5.T5EncoderModel;
import io.hunyuan4j.text.t5.T5Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny random-weight CogVideoX (5B-style: RoPE, DDIM with v-prediction and zero-terminal-SNR betas) built in
 * memory from the real components: a 2-layer transformer of 2 heads of 8, the CogVideoX VAE with channels
 * (8, 8, 8, 8) (8x spatial, 4x temporal compression), and a 2-layer T5 (d_model 16). Its tokenizer is
 * {@link TinyTokenizers}' byte-level BPE standing in for T5's SentencePiece (the SDK has no in-memory Unigram
 * tokenizer in main code): the prompt encoder pads to 226 tokens as CogVideoX does. {@link #writeDiffusersFolder}
 * writes the same model as a diffusers {@code CogVideoXPipeline} folder, which
 * {@link io.hunyuan4j.core.pipeline.Pipelines#fromPretrained} loads into the same frames.
 */
public final class TinyCogVideoX {

    /** Default height of a tiny run, in pixels. */
    public static final int DEFAULT_HEIGHT = 32;
    /** Default width of a tiny run, in pixels. */
    public static final int DEFAULT_WIDTH = 48;
    /** Default frames of a tiny run (4k + 1). */
    public static final int DEFAULT_FRAMES = 9;
    /** Default steps of a tiny run. */
    public static final int DEFAULT_STEPS = 3;
    /** What provenance calls it. */
    public static final String NAME = "tiny-random cogvideox (embedded, random weights)";
    /** Seed of the random weights (each component draws from {@code SEED + its index in COMPONENTS}). */
    public static final long SEED = 4242;
    /** The weight-holding components, by their diffusers folder names. */
    public static final List<String> COMPONENTS = List.of("transformer", "vae", "text_encoder");

    private static final String TRANSFORMER_CONFIG = """
            {"_class_name": "CogVideoXTransformer3DModel", "activation_fn": "gelu-approximate",
             "attention_bias": true, "attention_head_dim": 8, "dropout": 0.0, "flip_sin_to_cos": true,
             "freq_shift": 0, "in_channels": 4, "max_text_seq_length": 226, "norm_elementwise_affine": true,
             "norm_eps": 1e-05, "num_attention_heads": 2, "num_layers": 2, "ofs_embed_dim": null,
             "out_channels": 4, "patch_bias": true, "patch_size": 2, "patch_size_t": null, "sample_frames": 9,
             "sample_height": 4, "sample_width": 6, "spatial_interpolation_scale": 1.875,
             "temporal_compression_ratio": 4, "temporal_interpolation_scale": 1.0, "text_embed_dim": 16,
             "time_embed_dim": 16, "timestep_activation_fn": "silu", "use_learned_positional_embeddings": false,
             "use_rotary_positional_embeddings": true}
            """;
    private static final String VAE_CONFIG = """
            {"_class_name": "AutoencoderKLCogVideoX", "act_fn": "silu", "block_out_channels": [8, 8, 8, 8],
             "down_block_types": ["CogVideoXDownBlock3D", "CogVideoXDownBlock3D", "CogVideoXDownBlock3D",
                                  "CogVideoXDownBlock3D"],
             "force_upcast": true, "in_channels": 3, "invert_scale_latents": false, "latent_channels": 4,
             "latents_mean": null, "latents_std": null, "layers_per_block": 1, "norm_eps": 1e-06,
             "norm_num_groups": 4, "out_channels": 3, "sample_height": 32, "sample_width": 48,
             "scaling_factor": 0.7, "shift_factor": null, "temporal_compression_ratio": 4,
             "up_block_types": ["CogVideoXUpBlock3D", "CogVideoXUpBlock3D", "CogVideoXUpBlock3D",
                                "CogVideoXUpBlock3D"],
             "use_post_quant_conv": false, "use_quant_conv": false}
            """;
    private static final String TEXT_ENCODER_CONFIG = """
            {"architectures": ["T5EncoderModel"], "d_ff": 32, "d_kv": 8, "d_model": 16,
             "dense_act_fn": "gelu_new", "eos_token_id": 1, "feed_forward_proj": "gated-gelu", "is_gated_act": true,
             "layer_norm_epsilon": 1e-06, "model_type": "t5", "num_heads": 2, "num_layers": 2, "pad_token_id": 0,
             "relative_attention_max_distance": 128, "relative_attention_num_buckets": 32,
             "tie_word_embeddings": false, "vocab_size": %d}
            """.formatted(TinyTokenizers.LLAMA_VOCAB_SIZE);
    private static final String SCHEDULER_CONFIG = """
            {"_class_name": "CogVideoXDDIMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "beta_start": 0.00085, "clip_sample": false, "clip_sample_range": 1.0, "num_train_timesteps": 1000,
             "prediction_type": "v_prediction", "rescale_betas_zero_snr": true, "sample_max_value": 1.0,
             "set_alpha_to_one": true, "snr_shift_scale": 1.0, "steps_offset": 0, "timestep_spacing": "trailing",
             "trained_betas": null}
            """;

    private TinyCogVideoX() {}

    /**
     * The image-to-video variant (diffusers' {@code CogVideoXImageToVideoPipeline}): the same tiny parts, with a
     * transformer that takes the noisy latents and the image latents concatenated on channels (in_channels 8) and
     * the VAE as the image encoder. Requests must carry an image ({@link
     * io.hunyuan4j.core.pipeline.GenerationRequest#withImage}).
     */
    public static Generator imageToVideoGenerator(ComponentOptions options) {
        ComponentOptions lazy = new ComponentOptions(options.device(), options.computeDtype(), LoadMode.LAZY);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            CogVideoXTransformerConfig config = CogVideoXTransformerConfig.fromJson(JsonConfig.parse(
                    "tiny-cogvideox-i2v/transformer/config.json",
                    TRANSFORMER_CONFIG.replace("\"in_channels\": 4", "\"in_channels\": 8")));
            CogVideoXTransformer3DModel transformer = CogVideoXTransformer3DModel.fromWeights(config,
                    InMemoryTensors.builder().label("tiny-cogvideox-i2v/transformer").seed(SEED + 10)
                            .randomLike(CogVideoXTransformer3DModel.expectedShapes(config)).build(),
                    lazy, "tiny-i2v/transformer (in memory)");
            opened.add(transformer);
            CogVideoXVaeConfig vc = vaeConfig();
            AutoencoderKLCogVideoX vae = AutoencoderKLCogVideoX.fromWeights(vc, weights("vae"), lazy,
                    CogVideoXTiling.defaults(vc));
            opened.add(vae);
            CogVideoXPromptEncoder text = promptEncoder(options);
            opened.add(text);
            CogVideoXPipeline.Builder b = CogVideoXPipeline.builder(transformer,
                    new CogVideoXDDIMScheduler(CogVideoXSchedulerConfig.fromJson(config("scheduler"))), vae)
                    .promptEncoder(text).imageEncoder(new VaeImageLatentEncoder(vae), false)
                    .device(options.device()).model(NAME + ", image-to-video");
            for (AutoCloseable c : opened) {
                b.owns(c);
            }
            return b.build();
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /** The tiny generator with no offload. */
    public static Generator generator(ComponentOptions options) {
        return generator(options, Offload.NONE);
    }

    /**
     * A generator over freshly built tiny components. The transformer and the VAE are bound
     * {@link LoadMode#LAZY} from their in-memory tensors whatever {@code options.loadMode()} says, so model and
     * block offload can release and reload them; the T5 is bound eagerly.
     *
     * @throws IllegalArgumentException for {@link LoadMode#SHAPE_ONLY}, which cannot run
     */
    public static Generator generator(ComponentOptions options, Offload offload) {
        if (options.loadMode() == LoadMode.SHAPE_ONLY) {
            throw new IllegalArgumentException("loadMode SHAPE_ONLY cannot generate; the tiny CogVideoX supports"
                    + " EAGER or LAZY");
        }
        ComponentOptions lazy = new ComponentOptions(options.device(), options.computeDtype(), LoadMode.LAZY);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            CogVideoXTransformer3DModel transformer = CogVideoXTransformer3DModel.fromWeights(transformerConfig(),
                    weights("transformer"), lazy, "tiny/transformer (in memory)");
            opened.add(transformer);
            CogVideoXVaeConfig vc = vaeConfig();
            AutoencoderKLCogVideoX vae = AutoencoderKLCogVideoX.fromWeights(vc, weights("vae"), lazy,
                    CogVideoXTiling.defaults(vc));
            opened.add(vae);
            CogVideoXPromptEncoder text = promptEncoder(options);
            opened.add(text);
            CogVideoXPipeline.Builder b = CogVideoXPipeline.builder(transformer,
                    new CogVideoXDDIMScheduler(CogVideoXSchedulerConfig.fromJson(config("scheduler"))), vae)
                    .promptEncoder(text).offload(offload).device(options.device()).model(NAME);
            for (AutoCloseable c : opened) {
                b.owns(c);
            }
            return b.build();
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /** A request with the tiny defaults ({@link #DEFAULT_HEIGHT} x {@link #DEFAULT_WIDTH}, 9 frames, 3 steps). */
    public static io.hunyuan4j.core.pipeline.GenerationRequest request(Generator g, String prompt) {
        return g.request(prompt).withSize(DEFAULT_HEIGHT, DEFAULT_WIDTH).withFrames(DEFAULT_FRAMES)
                .withSteps(DEFAULT_STEPS);
    }

    /** A component's {@code config.json} ({@link #COMPONENTS} or {@code scheduler}). */
    public static JsonConfig config(String component) {
        return JsonConfig.parse("tiny-cogvideox/" + component + "/config.json", configJson(component));
    }

    /** A component's {@code config.json} text. */
    public static String configJson(String component) {
        return switch (component) {
            case "transformer" -> TRANSFORMER_CONFIG;
            case "vae" -> VAE_CONFIG;
            case "text_encoder" -> TEXT_ENCODER_CONFIG;
            case "scheduler" -> SCHEDULER_CONFIG;
            default -> throw new IllegalArgumentException("no component '" + component + "'; one of " + COMPONENTS
                    + " or scheduler");
        };
    }

    /** The transformer config. */
    public static CogVideoXTransformerConfig transformerConfig() {
        return CogVideoXTransformerConfig.fromJson(config("transformer"));
    }

    /** The VAE config. */
    public static CogVideoXVaeConfig vaeConfig() {
        return CogVideoXVaeConfig.fromJson(config("vae"));
    }

    /** The T5 config. */
    public static T5Config t5Config() {
        return T5Config.fromJson(config("text_encoder"));
    }

    /**
     * A component's random weights ({@link InMemoryTensors.Builder#randomLike}'s scheme), from
     * {@code SEED + its index in COMPONENTS}.
     */
    public static InMemoryTensors weights(String component) {
        Map<String, Shape> shapes = switch (component) {
            case "transformer" -> CogVideoXTransformer3DModel.expectedShapes(transformerConfig());
            case "vae" -> AutoencoderKLCogVideoX.parameterShapes(vaeConfig());
            case "text_encoder" -> t5Shapes();
            default -> throw new IllegalArgumentException("component '" + component + "' has no weights; one of "
                    + COMPONENTS);
        };
        return InMemoryTensors.builder().label("tiny-cogvideox/" + component)
                .seed(SEED + COMPONENTS.indexOf(component)).randomLike(shapes).build();
    }

    /**
     * Writes the tiny model as a diffusers {@code CogVideoXPipeline} folder; it generates the same frames as
     * {@link #generator}.
     *
     * @param dir an existing, empty folder
     * @return {@code dir}
     * @throws IOException if a file cannot be written
     */
    public static Path writeDiffusersFolder(Path dir) throws IOException {
        Files.writeString(dir.resolve("model_index.json"), """
                {"_class_name": "%s", "_diffusers_version": "0.32.0",
                 "scheduler": ["diffusers", "CogVideoXDDIMScheduler"],
                 "text_encoder": ["transformers", "T5EncoderModel"],
                 "tokenizer": ["transformers", "T5TokenizerFast"],
                 "transformer": ["diffusers", "CogVideoXTransformer3DModel"],
                 "vae": ["diffusers", "AutoencoderKLCogVideoX"]}
                """.formatted(CogVideoXFamily.TEXT_TO_VIDEO));
        for (String c : COMPONENTS) {
            Path folder = Files.createDirectories(dir.resolve(c));
            Files.writeString(folder.resolve("config.json"), configJson(c));
            SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
            w.addAll(weights(c));
            w.write(folder.resolve(c.equals("text_encoder") ? "model.safetensors"
                    : "diffusion_pytorch_model.safetensors"));
        }
        Files.createDirectories(dir.resolve("scheduler"));
        Files.writeString(dir.resolve("scheduler/scheduler_config.json"), configJson("scheduler"));
        TinyTokenizers.writeLlama(dir.resolve("tokenizer"));
        return dir;
    }

    private static Map<String, Shape> t5Shapes() {
        StateDict probe = StateDict.shapeOnly(Map.of(), "tiny-cogvideox (probe)");
        new T5EncoderModel(probe, t5Config(), false);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Parameter p : probe.boundParameters()) {
            shapes.put(p.name(), p.shape());
        }
        return shapes;
    }

    private static CogVideoXPromptEncoder promptEncoder(ComponentOptions options) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            TextTokenizer tokenizer = TinyTokenizers.llama();
            opened.add(tokenizer);
            NDManager manager = NDManager.newBaseManager(options.device());
            manager.setName("tiny-cogvideox-text-weights");
            opened.add(manager);
            ComponentOptions eager = new ComponentOptions(options.device(), options.computeDtype(), LoadMode.EAGER);
            T5EncoderModel t5 = T5EncoderModel.bind(weights("text_encoder"), t5Config(), manager,
                    T5Precision.FLOAT32.encoderOptions(eager),
                    "tiny/text_encoder (in memory)");
            return new CogVideoXPromptEncoder(t5, tokenizer, CogVideoXPromptEncoder.MAX_SEQUENCE_LENGTH, opened);
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    private static void closeAll(List<AutoCloseable> opened, RuntimeException e) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
        }
    }
}
