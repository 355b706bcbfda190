package io.hunyuan4j.testing;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.ImageConditionType;
import io.hunyuan4j.core.api.PromptEncoder;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.core.scheduler.FlowMatchEulerScheduler;
import io.hunyuan4j.core.scheduler.SchedulerConfig;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.transformer.TransformerConfig;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.InMemoryTensors;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorLoader;
import io.hunyuan4j.text.ClipConfig;
import io.hunyuan4j.text.ClipTextEncoder;
import io.hunyuan4j.text.HunyuanPromptEncoder;
import io.hunyuan4j.text.LlamaConfig;
import io.hunyuan4j.text.LlamaTextEncoder;
import io.hunyuan4j.text.PromptTemplate;
import io.hunyuan4j.text.TextTokenizer;
import io.hunyuan4j.text.TinyTokenizers;
import io.hunyuan4j.vae.AutoencoderKLHunyuanVideo;
import io.hunyuan4j.vae.VaeConfig;
import io.hunyuan4j.vae.VaeTiling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded tiny default model: a random-weight HunyuanVideo (tiny DiT, tiny VAE, tiny Llama and CLIP
 * encoders with SDK-written tokenizers) built in memory, with no files and no downloads. It exercises the
 * whole path (text -> DiT -> VAE -> MP4) in seconds; its output is noise-like by design.
 *
 * <p>Every component is the real implementation, bound strictly by the diffusers/transformers names from
 * {@link InMemoryTensors} filled from a fixed seed ({@link #SEED}), so two runs with the same request give the
 * same frames. The configs are kept as the {@code config.json} texts a diffusers folder would hold
 * ({@link #config(String)}), so the same model can be written to disk and loaded with
 * {@link VideoPipeline#fromPretrained}.
 *
 * <ul>
 *   <li>DiT: the diffusers unit-test config (2 heads of 10, one dual, one single and one refiner block,
 *       patch 1, RoPE (2, 4, 4)), text dim 16, pooled dim 8;</li>
 *   <li>VAE: channels (8, 16, 16, 16), one layer per block, 4 groups, 4 latent channels (8x spatial, 4x
 *       temporal compression, as the real VAE);</li>
 *   <li>Llama: hidden 16, 3 layers (the pipeline takes {@code hidden_states[-3]}); CLIP: hidden 8, 2 layers;
 *       both with {@link TinyTokenizers}' byte-level tokenizers, built in memory.</li>
 * </ul>
 */
public final class TinyModel {

    /** Default height and width of a tiny-model run, in pixels. */
    public static final int DEFAULT_SIZE = 64;
    /** Default frames of a tiny-model run. */
    public static final int DEFAULT_FRAMES = 9;
    /** Default steps of a tiny-model run. */
    public static final int DEFAULT_STEPS = 4;
    /** The tiny model's scheduler shift: HunyuanVideo's. */
    public static final float FLOW_SHIFT = VideoPipeline.DEFAULT_FLOW_SHIFT;
    /** What provenance calls it. */
    public static final String NAME = "tiny-random (embedded, random weights)";
    /** Seed of the random weights (each component draws from {@code SEED + its index in COMPONENTS}). */
    public static final long SEED = 2024;

    /** The weight-holding components, by their diffusers folder names. */
    public static final List<String> COMPONENTS = List.of("transformer", "vae", "text_encoder", "text_encoder_2");

    private static final String TRANSFORMER_CONFIG = """
            {"_class_name": "HunyuanVideoTransformer3DModel", "in_channels": 4, "out_channels": 4,
             "num_attention_heads": 2, "attention_head_dim": 10, "num_layers": 1, "num_single_layers": 1,
             "num_refiner_layers": 1, "mlp_ratio": 4.0, "patch_size": 1, "patch_size_t": 1,
             "qk_norm": "rms_norm", "guidance_embeds": true, "text_embed_dim": 16, "pooled_projection_dim": 8,
             "rope_theta": 256.0, "rope_axes_dim": [2, 4, 4], "image_condition_type": null}
            """;
    private static final String VAE_CONFIG = """
            {"_class_name": "AutoencoderKLHunyuanVideo", "in_channels": 3, "out_channels": 3,
             "latent_channels": 4,
             "down_block_types": ["HunyuanVideoDownBlock3D", "HunyuanVideoDownBlock3D",
                                  "HunyuanVideoDownBlock3D", "HunyuanVideoDownBlock3D"],
             "up_block_types": ["HunyuanVideoUpBlock3D", "HunyuanVideoUpBlock3D",
                                "HunyuanVideoUpBlock3D", "HunyuanVideoUpBlock3D"],
             "block_out_channels": [8, 16, 16, 16], "layers_per_block": 1, "act_fn": "silu",
             "norm_num_groups": 4, "scaling_factor": 0.476986, "spatial_compression_ratio": 8,
             "temporal_compression_ratio": 4, "mid_block_add_attention": true}
            """;
    private static final String TEXT_ENCODER_CONFIG = """
            {"architectures": ["LlamaModel"], "model_type": "llama", "vocab_size": %d, "hidden_size": 16,
             "intermediate_size": 32, "num_hidden_layers": 3, "num_attention_heads": 2, "num_key_value_heads": 1,
             "head_dim": 8, "hidden_act": "silu", "rms_norm_eps": 1e-05, "rope_theta": 500000.0,
             "rope_scaling": null, "max_position_embeddings": 2048, "attention_bias": false, "mlp_bias": false}
            """.formatted(TinyTokenizers.LLAMA_VOCAB_SIZE);
    private static final String TEXT_ENCODER_2_CONFIG = """
            {"architectures": ["CLIPTextModel"], "model_type": "clip_text_model", "vocab_size": %d,
             "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2,
             "max_position_embeddings": 77, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-05,
             "bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1}
            """.formatted(TinyTokenizers.CLIP_VOCAB_SIZE);
    private static final String SCHEDULER_CONFIG = """
            {"_class_name": "FlowMatchEulerDiscreteScheduler", "num_train_timesteps": 1000, "shift": %s,
             "use_dynamic_shifting": false}
            """.formatted(Float.toString(FLOW_SHIFT));

    private TinyModel() {}

    /**
     * A builder over freshly built tiny components (preset: flow-match Euler with shift {@link #FLOW_SHIFT},
     * provenance {@link #NAME}); change settings on it, then {@code build()}. The DiT and the VAE are bound
     * {@link LoadMode#LAZY} from their in-memory tensors, whatever {@code options.loadMode()} says, so model
     * and block offload can release and reload their blocks (the first use loads them); the text encoders are
     * bound eagerly. With model or block offload the prompt encoder is rebuilt (in milliseconds) for each prompt.
     *
     * @param options device and compute dtype of every component
     * @return a builder preset for the tiny model
     * @throws IllegalArgumentException for {@link LoadMode#SHAPE_ONLY}, which cannot run
     * @throws UnsupportedOperationException for a compute dtype a component cannot run
     */
    public static VideoPipeline.Builder builder(ComponentOptions options) {
        if (options.loadMode() == LoadMode.SHAPE_ONLY) {
            throw new IllegalArgumentException("loadMode SHAPE_ONLY cannot generate; the tiny model supports"
                    + " EAGER and LAZY");
        }
        PromptEncoder text = promptEncoder(options);
        HunyuanVideoTransformer3D dit = null;
        try {
            dit = HunyuanVideoTransformer3D.fromWeights(transformerConfig(), weights("transformer"),
                    new ComponentOptions(options.device(), options.computeDtype(), LoadMode.LAZY),
                    "tiny/transformer (in memory)");
            AutoencoderKLHunyuanVideo vae = AutoencoderKLHunyuanVideo.fromWeights(vaeConfig(), weights("vae"),
                    new ComponentOptions(options.device(), options.computeDtype(), LoadMode.LAZY),
                    VaeTiling.defaults());
            return VideoPipeline.builder(dit, text, vae)
                    .scheduler(new FlowMatchEulerScheduler(SchedulerConfig.fromJson(config("scheduler"))))
                    .device(options.device()).computeDtype(options.computeDtype()).model(NAME)
                    .textEncoderLoader(() -> promptEncoder(options));
        } catch (RuntimeException e) {
            text.close();
            if (dit != null) {
                dit.close();
            }
            throw e;
        }
    }

    /**
     * A builder over the tiny model's image-to-video variant: the same VAE and text encoders, and a DiT with
     * {@code image_condition_type} {@code type} ({@link ImageConditionType#TOKEN_REPLACE}: the DiT above, whose
     * weights are the text-to-video ones, as for the published HunyuanVideo-I2V;
     * {@link ImageConditionType#LATENT_CONCAT}: {@code in_channels} 2 x 4 + 1 = 9 and no guidance embeds, as
     * HunyuanVideo-I2V-33ch). Requests need an image
     * ({@code GenerationRequest.withImage}). The prompt encoder is the text-only one (the LLaVA image+text encoder of
     * the published model is not part of the tiny model): the image reaches the DiT through the latents.
     *
     * @param options device and compute dtype of every component
     * @param type {@link ImageConditionType#TOKEN_REPLACE} or {@link ImageConditionType#LATENT_CONCAT}
     * @return a builder preset for the tiny image-to-video model
     * @throws IllegalArgumentException for {@link ImageConditionType#NONE} (use {@link #builder(ComponentOptions)})
     *     or {@link LoadMode#SHAPE_ONLY}
     */
    public static VideoPipeline.Builder builder(ComponentOptions options, ImageConditionType type) {
        if (type == ImageConditionType.NONE) {
            throw new IllegalArgumentException("type NONE is the text-to-video model: use builder(options)");
        }
        if (options.loadMode() == LoadMode.SHAPE_ONLY) {
            throw new IllegalArgumentException("loadMode SHAPE_ONLY cannot generate; the tiny model supports"
                    + " EAGER and LAZY");
        }
        TransformerConfig config = transformerConfig(type);
        HunyuanVideoTransformer3D dit = HunyuanVideoTransformer3D.fromWeights(config, InMemoryTensors.builder()
                        .label("tiny/transformer-" + type.configValue()).seed(SEED)
                        .randomLike(HunyuanVideoTransformer3D.expectedShapes(config)).build(),
                new ComponentOptions(options.device(), options.computeDtype(), LoadMode.LAZY),
                "tiny/transformer " + type.configValue() + " (in memory)");
        PromptEncoder text = null;
        try {
            text = promptEncoder(options);
            AutoencoderKLHunyuanVideo vae = AutoencoderKLHunyuanVideo.fromWeights(vaeConfig(), weights("vae"),
                    new ComponentOptions(options.device(), options.computeDtype(), LoadMode.LAZY),
                    VaeTiling.defaults());
            return VideoPipeline.builder(dit, text, vae)
                    .scheduler(new FlowMatchEulerScheduler(SchedulerConfig.fromJson(config("scheduler"))))
                    .device(options.device()).computeDtype(options.computeDtype())
                    .model(NAME + ", image-to-video " + type.configValue())
                    .textEncoderLoader(() -> promptEncoder(options));
        } catch (RuntimeException e) {
            dit.close();
            if (text != null) {
                text.close();
            }
            throw e;
        }
    }

    /**
     * The DiT's config of the image-to-video variant (see {@link #builder(ComponentOptions, ImageConditionType)}).
     *
     * @param type the image condition; {@link ImageConditionType#NONE} gives {@link #transformerConfig()}
     * @return the config
     */
    public static TransformerConfig transformerConfig(ImageConditionType type) {
        TransformerConfig t2v = transformerConfig();
        return switch (type) {
            case NONE -> t2v;
            case TOKEN_REPLACE -> t2v.withImageConditionType(type);
            case LATENT_CONCAT -> new TransformerConfig(2 * t2v.outChannels() + 1, t2v.outChannels(),
                    t2v.numAttentionHeads(), t2v.attentionHeadDim(), t2v.numLayers(), t2v.numSingleLayers(),
                    t2v.numRefinerLayers(), t2v.mlpRatio(), t2v.patchSize(), t2v.patchSizeT(), t2v.qkNorm(), false,
                    t2v.textEmbedDim(), t2v.pooledProjectionDim(), t2v.ropeTheta(), t2v.ropeAxesDim(), type);
        };
    }

    /**
     * The {@code config.json} of a component, as a diffusers folder holds it: {@code transformer},
     * {@code vae}, {@code text_encoder}, {@code text_encoder_2} or {@code scheduler}
     * ({@code scheduler_config.json}).
     *
     * @param component the diffusers folder name
     * @return the parsed config
     * @throws IllegalArgumentException for another name
     */
    public static JsonConfig config(String component) {
        return JsonConfig.parse("tiny/" + component + "/config.json", configJson(component));
    }

    /**
     * The text of {@link #config(String)}.
     *
     * @param component the diffusers folder name
     * @return the JSON text
     * @throws IllegalArgumentException for another name
     */
    public static String configJson(String component) {
        return switch (component) {
            case "transformer" -> TRANSFORMER_CONFIG;
            case "vae" -> VAE_CONFIG;
            case "text_encoder" -> TEXT_ENCODER_CONFIG;
            case "text_encoder_2" -> TEXT_ENCODER_2_CONFIG;
            case "scheduler" -> SCHEDULER_CONFIG;
            default -> throw new IllegalArgumentException("component '" + component + "' is not one of "
                    + COMPONENTS + " or scheduler");
        };
    }

    /**
     * The DiT's config.
     *
     * @return the diffusers unit-test config (see the class notes)
     */
    public static TransformerConfig transformerConfig() {
        return TransformerConfig.fromJson(config("transformer"));
    }

    /**
     * The VAE's config.
     *
     * @return the tiny causal 3D VAE's config (see the class notes)
     */
    public static VaeConfig vaeConfig() {
        return VaeConfig.fromJson(config("vae"));
    }

    /**
     * The Llama text encoder's config.
     *
     * @return the tiny Llama config (see the class notes)
     */
    public static LlamaConfig llamaConfig() {
        return LlamaConfig.fromJson(config("text_encoder"));
    }

    /**
     * The CLIP text encoder's config.
     *
     * @return the tiny CLIP config (see the class notes)
     */
    public static ClipConfig clipConfig() {
        return ClipConfig.fromJson(config("text_encoder_2"));
    }

    /**
     * The seeded random weights of one component, named and shaped as its checkpoint, by
     * {@link InMemoryTensors.Builder#randomLike}'s scheme: norm weights 1, other vectors (biases) N(0, 0.05^2),
     * matrices, kernels and embeddings N(0, s^2) with {@code s = clamp(1/sqrt(fan_in), 0.02, 0.2)} (the golden
     * fixtures' scale, so activations stay O(1)).
     *
     * @param component one of {@link #COMPONENTS}
     * @return the tensors, in memory
     * @throws IllegalArgumentException for another name
     */
    public static InMemoryTensors weights(String component) {
        Map<String, Shape> shapes = switch (component) {
            case "transformer" -> HunyuanVideoTransformer3D.expectedShapes(transformerConfig());
            case "vae" -> AutoencoderKLHunyuanVideo.parameterShapes(vaeConfig());
            case "text_encoder" -> bound(w -> new LlamaTextEncoder(w, llamaConfig(), AttentionBackends.defaultBackend(), false));
            case "text_encoder_2" -> bound(w -> new ClipTextEncoder(w, clipConfig(), AttentionBackends.defaultBackend()));
            default -> throw new IllegalArgumentException("component '" + component + "' has no weights; one of "
                    + COMPONENTS);
        };
        return InMemoryTensors.builder().label("tiny/" + component).seed(SEED + COMPONENTS.indexOf(component))
                .randomLike(shapes).build();
    }

    /**
     * Writes the tiny model as a downloaded HunyuanVideo folder looks (diffusers layout, sharded DiT), so a test can
     * load it with {@link VideoPipeline#fromPretrained}; it generates the same frames as {@link #builder}.
     *
     * @param dir an existing, empty folder
     * @return {@code dir}
     * @throws IOException if a file cannot be written
     */
    public static Path writeDiffusersFolder(Path dir) throws IOException {
        return writeDiffusersFolder(dir, DType.F32);
    }

    /**
     * The same folder with the DiT and the Llama stored in {@code dtype}, as the published checkpoint stores them
     * in BF16.
     *
     * @param dir an existing, empty folder
     * @param dtype how the DiT and the Llama weights are stored ({@link DType#F32} or {@link DType#BF16})
     * @return {@code dir}
     * @throws IOException if a file cannot be written
     */
    public static Path writeDiffusersFolder(Path dir, DType dtype) throws IOException {
        Files.writeString(dir.resolve("model_index.json"), """
                {"_class_name": "HunyuanVideoPipeline", "_diffusers_version": "0.32.0",
                 "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
                 "text_encoder": ["transformers", "LlamaModel"], "text_encoder_2": ["transformers", "CLIPTextModel"],
                 "tokenizer": ["transformers", "PreTrainedTokenizerFast"], "tokenizer_2": ["transformers", "CLIPTokenizer"],
                 "transformer": ["diffusers", "HunyuanVideoTransformer3DModel"],
                 "vae": ["diffusers", "AutoencoderKLHunyuanVideo"]}
                """);
        for (String c : COMPONENTS) {
            Path folder = Files.createDirectories(dir.resolve(c));
            Files.writeString(folder.resolve("config.json"), configJson(c));
            InMemoryTensors weights = weights(c);
            SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
            // on the host whatever DJL's default device is: the writer reads the arrays when it writes
            try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
                if (dtype != DType.F32 && (c.equals("transformer") || c.equals("text_encoder"))) {
                    for (String name : weights.names()) {
                        w.add(name, weights.load(name, m, DataType.FLOAT32), dtype);
                    }
                } else {
                    w.addAll(weights);
                }
                switch (c) {
                    // the DiT sharded as the released checkpoint is, with a small shard size to get several shards
                    case "transformer" -> w.writeSharded(folder, "diffusion_pytorch_model", w.totalBytes() / 3);
                    case "vae" -> w.write(folder.resolve("diffusion_pytorch_model.safetensors"));
                    default -> w.write(folder.resolve("model.safetensors"));
                }
            }
        }
        Files.createDirectories(dir.resolve("scheduler"));
        Files.writeString(dir.resolve("scheduler/scheduler_config.json"), configJson("scheduler"));
        TinyTokenizers.write(dir); // tokenizer/ and tokenizer_2/
        return dir;
    }

    /** Names and shapes a text encoder binds, from a shape-only probe (nothing is allocated). */
    private static Map<String, Shape> bound(java.util.function.Consumer<StateDict> module) {
        StateDict probe = StateDict.shapeOnly(Map.of(), "tiny (probe)");
        module.accept(probe);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Parameter p : probe.boundParameters()) {
            shapes.put(p.name(), p.shape());
        }
        return shapes;
    }

    /** Llama + CLIP with the in-memory tiny tokenizers; everything it opened is closed with it. */
    private static HunyuanPromptEncoder promptEncoder(ComponentOptions options) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            TextTokenizer tokenizer = TinyTokenizers.llama();
            opened.add(tokenizer);
            TextTokenizer tokenizer2 = TinyTokenizers.clip();
            opened.add(tokenizer2);
            NDManager manager = NDManager.newBaseManager(options.device());
            manager.setName("tiny-text-weights");
            opened.add(manager);
            TensorLoader loader = options.computeDtype().loader();
            StateDict w1 = StateDict.load(weights("text_encoder"), manager, LoadMode.EAGER, loader,
                    "tiny/text_encoder (in memory)");
            LlamaTextEncoder llama = new LlamaTextEncoder(w1, llamaConfig(), AttentionBackends.defaultBackend(), false);
            w1.requireAllConsumed();
            StateDict w2 = StateDict.load(weights("text_encoder_2"), manager, LoadMode.EAGER, loader,
                    "tiny/text_encoder_2 (in memory)");
            ClipTextEncoder clip = new ClipTextEncoder(w2, clipConfig(), AttentionBackends.defaultBackend());
            w2.requireAllConsumed();
            return new HunyuanPromptEncoder(llama, tokenizer, clip, tokenizer2, PromptTemplate.hunyuanVideo(),
                    opened);
        } catch (RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }
}
