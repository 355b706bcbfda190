package io.hunyuan4j.testing;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.pipeline.Generator;
import io.hunyuan4j.core.scheduler.DDPMScheduler;
import io.hunyuan4j.core.scheduler.DDPMSchedulerConfig;
import io.hunyuan4j.core.weights.InMemoryTensors;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import io.hunyuan4j.dit.pipeline.HunyuanDiTPipeline;
import io.hunyuan4j.dit.transformer.HunyuanDiT2DModel;
import io.hunyuan4j.dit.transformer.HunyuanDiTConfig;
import io.hunyuan4j.text.TextTokenizer;
import io.hunyuan4j.text.bert.BertConfig;
import io.hunyuan4j.text.bert.BertModel;
import io.hunyuan4j.text.hunyuandit.HunyuanDiTPromptEncoder;
import io.hunyuan4j.text.t5.T5Config;
import io.hunyuan4j.text.t5.T5EncoderModel;
import io.hunyuan4j.text.t5.T5Precision;
import io.hunyuan4j.vae.kl.AutoencoderKL;
import io.hunyuan4j.vae.kl.AutoencoderKLConfig;
import io.hunyuan4j.vae.kl.AutoencoderKLTiling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A tiny HunyuanDiT with seeded random weights: the pipeline's real structure (BERT and mT5 text encoders with their
 * tokenizers, a 4-block {@code HunyuanDiT2DModel} with learned sigma and long skips, the 2D {@code AutoencoderKL},
 * the DDPM v-prediction scheduler) at widths of 32, so a whole text-to-image call takes well under a second. The
 * transformer's text lengths are the pipeline's tokenizer lengths (77 and 256). Tokenizers are embedded: a
 * 72-entry WordPiece vocabulary (built as {@code BertTokenizer} builds one from {@code vocab.txt}) and a Unigram
 * {@code tokenizer.json} over letters, digits and punctuation with T5's {@code </s>} suffix.
 *
 * <p>{@link #generator} builds it in memory; {@link #writeDiffusersFolder} writes the same model as a diffusers
 * {@code HunyuanDiTPipeline} folder, which {@code Pipelines.fromPretrained} loads to the same images. Generator calls
 * render at {@link #DEFAULT_SIZE} without resolution binning (the standard shapes start at 768 px).
 */
public final class TinyHunyuanDiT {

    /** The image side used by tests and the CLI's tiny run (pixels). */
    public static final int DEFAULT_SIZE = 64;
    /** Denoising steps of a tiny run. */
    public static final int DEFAULT_STEPS = 4;
    /** The guidance scale of a tiny run (diffusers' default). */
    public static final float DEFAULT_GUIDANCE_SCALE = HunyuanDiTPipeline.DEFAULT_GUIDANCE_SCALE;
    /** The provenance's model name. */
    public static final String NAME = "tiny-random-hunyuandit (embedded, random weights)";
    /** Seed of the random weights (component i uses SEED + i). */
    public static final long SEED = 2025;
    /** The components with weights, in seed order. */
    public static final List<String> COMPONENTS = List.of("transformer", "vae", "text_encoder", "text_encoder_2");

    private static final String TRANSFORMER_CONFIG = """
            {"_class_name": "HunyuanDiT2DModel", "activation_fn": "gelu-approximate", "attention_head_dim": 16,
             "cross_attention_dim": 32, "cross_attention_dim_t5": 32, "hidden_size": 32, "in_channels": 4,
             "learn_sigma": true, "mlp_ratio": 2.0, "norm_type": "layer_norm", "num_attention_heads": 2,
             "num_layers": 4, "patch_size": 2, "pooled_projection_dim": 16, "sample_size": 8, "text_len": 77,
             "text_len_t5": 256, "use_style_cond_and_image_meta_size": false}
            """;
    private static final String VAE_CONFIG = """
            {"_class_name": "AutoencoderKL", "act_fn": "silu", "block_out_channels": [8, 16, 16, 16],
             "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D",
                                  "DownEncoderBlock2D"],
             "force_upcast": false, "in_channels": 3, "latent_channels": 4, "layers_per_block": 1,
             "mid_block_add_attention": true, "norm_num_groups": 4, "out_channels": 3, "sample_size": 32,
             "scaling_factor": 0.13025,
             "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"],
             "use_post_quant_conv": true, "use_quant_conv": true}
            """;
    private static final String SCHEDULER_CONFIG = """
            {"_class_name": "DDPMScheduler", "beta_end": 0.018, "beta_schedule": "scaled_linear",
             "beta_start": 0.00085, "clip_sample": false, "num_train_timesteps": 1000,
             "prediction_type": "v_prediction", "steps_offset": 1, "timestep_spacing": "leading",
             "variance_type": "fixed_small"}
            """;
    private static final List<String> BERT_VOCAB = bertVocab();
    private static final List<String> T5_PIECES = t5Pieces();

    private TinyHunyuanDiT() {}

    /**
     * The tiny model as a {@link Generator} (family {@code hunyuandit}): the DiT and the VAE bound
     * {@link LoadMode#LAZY} from in-memory tensors (so MODEL and BLOCK offload can release and reload them), the
     * text encoders eagerly; no resolution binning.
     *
     * @param options device and compute dtype of every component
     * @return a pipeline builder preset for the tiny model (add {@code offload(...)}, then {@code build()})
     * @throws IllegalArgumentException for {@link LoadMode#SHAPE_ONLY}
     */
    public static HunyuanDiTPipeline.Builder builder(ComponentOptions options) {
        if (options.loadMode() == LoadMode.SHAPE_ONLY) {
            throw new IllegalArgumentException("loadMode SHAPE_ONLY cannot generate; the tiny model supports"
                    + " EAGER and LAZY");
        }
        ComponentOptions lazy = new ComponentOptions(options.device(), options.computeDtype(), LoadMode.LAZY);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            HunyuanDiTPromptEncoder text = promptEncoder(options);
            opened.add(text);
            HunyuanDiT2DModel dit = HunyuanDiT2DModel.fromWeights(transformerConfig(), weights("transformer"), lazy,
                    "tiny/transformer (in memory)");
            opened.add(dit);
            AutoencoderKLConfig vaeConfig = AutoencoderKLConfig.fromJson(config("vae"));
            AutoencoderKL vae = AutoencoderKL.fromWeights(vaeConfig, weights("vae"), lazy,
                    AutoencoderKLTiling.defaults(vaeConfig));
            return HunyuanDiTPipeline.builder(dit, vae).promptEncoder(text)
                    .scheduler(new DDPMScheduler(DDPMSchedulerConfig.fromJson(config("scheduler"))))
                    .resolutionBinning(false).device(options.device()).model(NAME);
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /**
     * The tiny model as a ready {@link Generator}, no offload.
     *
     * @param options device and compute dtype of every component
     * @return the generator; close it to free the weights
     */
    public static Generator generator(ComponentOptions options) {
        return builder(options).build();
    }

    /**
     * The {@code config.json} of a component ({@code transformer}, {@code vae}, {@code text_encoder},
     * {@code text_encoder_2}) or {@code scheduler} ({@code scheduler_config.json}).
     *
     * @throws IllegalArgumentException for another name
     */
    public static JsonConfig config(String component) {
        return JsonConfig.parse("tiny-hunyuandit/" + component + "/config.json", configJson(component));
    }

    /** The text of {@link #config(String)}. */
    public static String configJson(String component) {
        return switch (component) {
            case "transformer" -> TRANSFORMER_CONFIG;
            case "vae" -> VAE_CONFIG;
            case "scheduler" -> SCHEDULER_CONFIG;
            case "text_encoder" -> """
                    {"architectures": ["BertModel"], "model_type": "bert", "vocab_size": %d, "hidden_size": 32,
                     "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                     "max_position_embeddings": 80, "type_vocab_size": 2, "hidden_act": "gelu",
                     "layer_norm_eps": 1e-12, "pad_token_id": 0, "position_embedding_type": "absolute"}
                    """.formatted(BERT_VOCAB.size());
            case "text_encoder_2" -> """
                    {"architectures": ["T5EncoderModel"], "model_type": "mt5", "vocab_size": %d, "d_model": 32,
                     "d_kv": 8, "d_ff": 48, "num_heads": 4, "num_layers": 2, "feed_forward_proj": "gated-gelu",
                     "dense_act_fn": "gelu_new", "is_gated_act": true, "layer_norm_epsilon": 1e-06,
                     "relative_attention_num_buckets": 32, "relative_attention_max_distance": 128,
                     "pad_token_id": 0, "eos_token_id": 1, "tie_word_embeddings": false}
                    """.formatted(T5_PIECES.size());
            default -> throw new IllegalArgumentException("component '" + component + "' is not one of "
                    + COMPONENTS + " or scheduler");
        };
    }

    /** The DiT's config. */
    public static HunyuanDiTConfig transformerConfig() {
        return HunyuanDiTConfig.fromJson(config("transformer"));
    }

    /**
     * The seeded random weights of one component, named and shaped as its checkpoint
     * ({@link InMemoryTensors.Builder#randomLike}'s scheme).
     *
     * @param component one of {@link #COMPONENTS}
     * @throws IllegalArgumentException for another name
     */
    public static InMemoryTensors weights(String component) {
        Map<String, Shape> shapes = switch (component) {
            case "transformer" -> HunyuanDiT2DModel.expectedShapes(transformerConfig());
            case "vae" -> AutoencoderKL.parameterShapes(AutoencoderKLConfig.fromJson(config("vae")));
            case "text_encoder" -> bertShapes(BertConfig.fromJson(config("text_encoder")));
            case "text_encoder_2" -> t5Shapes(T5Config.fromJson(config("text_encoder_2")));
            default -> throw new IllegalArgumentException("component '" + component + "' has no weights; one of "
                    + COMPONENTS);
        };
        return InMemoryTensors.builder().label("tiny-hunyuandit/" + component)
                .seed(SEED + COMPONENTS.indexOf(component)).randomLike(shapes).build();
    }

    /**
     * Writes the tiny model as a diffusers {@code HunyuanDiTPipeline} folder ({@code model_index.json}, the
     * component folders, {@code tokenizer/vocab.txt} and {@code tokenizer_2/tokenizer.json}).
     *
     * @param dir an existing, empty folder
     * @return {@code dir}
     * @throws IOException if a file cannot be written
     */
    public static Path writeDiffusersFolder(Path dir) throws IOException {
        Files.writeString(dir.resolve("model_index.json"), """
                {"_class_name": "HunyuanDiTPipeline", "_diffusers_version": "0.30.0",
                 "feature_extractor": [null, null], "safety_checker": [null, null],
                 "requires_safety_checker": false,
                 "scheduler": ["diffusers", "DDPMScheduler"],
                 "text_encoder": ["transformers", "BertModel"], "tokenizer": ["transformers", "BertTokenizer"],
                 "text_encoder_2": ["transformers", "T5EncoderModel"],
                 "tokenizer_2": ["transformers", "MT5Tokenizer"],
                 "transformer": ["diffusers", "HunyuanDiT2DModel"], "vae": ["diffusers", "AutoencoderKL"]}
                """);
        for (String c : COMPONENTS) {
            Path folder = Files.createDirectories(dir.resolve(c));
            Files.writeString(folder.resolve("config.json"), configJson(c));
            SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
            w.addAll(weights(c));
            w.write(folder.resolve(c.startsWith("text") ? "model.safetensors"
                    : "diffusion_pytorch_model.safetensors"));
        }
        Files.createDirectories(dir.resolve("scheduler"));
        Files.writeString(dir.resolve("scheduler/scheduler_config.json"), SCHEDULER_CONFIG);
        writeTokenizers(dir);
        return dir;
    }

    private static void writeTokenizers(Path dir) throws IOException {
        Path bert = Files.createDirectories(dir.resolve("tokenizer"));
        Files.writeString(bert.resolve("vocab.txt"), String.join("\n", BERT_VOCAB) + "\n");
        Files.writeString(bert.resolve("tokenizer_config.json"),
                "{\"tokenizer_class\": \"BertTokenizer\", \"do_lower_case\": true}");
        Path t5 = Files.createDirectories(dir.resolve("tokenizer_2"));
        Files.writeString(t5.resolve("tokenizer.json"), t5TokenizerJson());
        Files.writeString(t5.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"T5Tokenizer\"}");
        Files.writeString(t5.resolve("special_tokens_map.json"),
                "{\"pad_token\": \"<pad>\", \"eos_token\": \"</s>\", \"unk_token\": \"<unk>\"}");
    }

    /** BERT + mT5 over the in-memory weights and the embedded tokenizers. */
    private static HunyuanDiTPromptEncoder promptEncoder(ComponentOptions options) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Path tmp = Files.createTempDirectory("tiny-hunyuandit-tokenizers");
            TextTokenizer tokenizer;
            TextTokenizer tokenizer2;
            try {
                writeTokenizers(tmp);
                tokenizer = TextTokenizer.load(tmp.resolve("tokenizer"));
                opened.add(tokenizer);
                tokenizer2 = TextTokenizer.load(tmp.resolve("tokenizer_2"));
                opened.add(tokenizer2);
            } finally {
                deleteTree(tmp);
            }
            ComponentOptions eager = new ComponentOptions(options.device(), options.computeDtype(), LoadMode.EAGER);
            ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager(options.device());
            opened.add(manager);
            BertModel bert = BertModel.bind(weights("text_encoder"), BertConfig.fromJson(config("text_encoder")),
                    manager, eager, AttentionBackends.defaultBackend(), "tiny-hunyuandit/text_encoder");
            T5EncoderModel mt5 = T5EncoderModel.bind(weights("text_encoder_2"),
                    T5Config.fromJson(config("text_encoder_2")), manager, T5Precision.FLOAT32.encoderOptions(eager),
                    "tiny-hunyuandit/text_encoder_2");
            return new HunyuanDiTPromptEncoder(bert, tokenizer, mt5, tokenizer2, opened);
        } catch (IOException e) {
            UncheckedIOException u = new UncheckedIOException(e);
            closeAll(opened, u);
            throw u;
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void closeAll(List<AutoCloseable> opened, Exception cause) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception suppressed) {
                cause.addSuppressed(suppressed);
            }
        }
    }

    /** transformers' {@code BertModel} state dict without the pooler (HunyuanDiT reads the hidden states). */
    private static Map<String, Shape> bertShapes(BertConfig c) {
        long h = c.hiddenSize();
        long f = c.intermediateSize();
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put("embeddings.word_embeddings.weight", new Shape(c.vocabSize(), h));
        s.put("embeddings.position_embeddings.weight", new Shape(c.maxPositionEmbeddings(), h));
        s.put("embeddings.token_type_embeddings.weight", new Shape(c.typeVocabSize(), h));
        s.put("embeddings.LayerNorm.weight", new Shape(h));
        s.put("embeddings.LayerNorm.bias", new Shape(h));
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            for (String m : List.of("query", "key", "value")) {
                s.put(p + "attention.self." + m + ".weight", new Shape(h, h));
                s.put(p + "attention.self." + m + ".bias", new Shape(h));
            }
            s.put(p + "attention.output.dense.weight", new Shape(h, h));
            s.put(p + "attention.output.dense.bias", new Shape(h));
            s.put(p + "attention.output.LayerNorm.weight", new Shape(h));
            s.put(p + "attention.output.LayerNorm.bias", new Shape(h));
            s.put(p + "intermediate.dense.weight", new Shape(f, h));
            s.put(p + "intermediate.dense.bias", new Shape(f));
            s.put(p + "output.dense.weight", new Shape(h, f));
            s.put(p + "output.dense.bias", new Shape(h));
            s.put(p + "output.LayerNorm.weight", new Shape(h));
            s.put(p + "output.LayerNorm.bias", new Shape(h));
        }
        return s;
    }

    /** transformers' {@code T5EncoderModel} state dict, gated-gelu feed-forward. */
    private static Map<String, Shape> t5Shapes(T5Config c) {
        long d = c.dModel();
        long inner = (long) c.numHeads() * c.dKv();
        long ff = c.dFf();
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put("shared.weight", new Shape(c.vocabSize(), d));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "encoder.block." + i + ".layer.";
            for (String m : List.of("q", "k", "v")) {
                s.put(p + "0.SelfAttention." + m + ".weight", new Shape(inner, d));
            }
            s.put(p + "0.SelfAttention.o.weight", new Shape(d, inner));
            if (i == 0) {
                s.put(p + "0.SelfAttention.relative_attention_bias.weight",
                        new Shape(c.relativeAttentionNumBuckets(), c.numHeads()));
            }
            s.put(p + "0.layer_norm.weight", new Shape(d));
            s.put(p + "1.DenseReluDense.wi_0.weight", new Shape(ff, d));
            s.put(p + "1.DenseReluDense.wi_1.weight", new Shape(ff, d));
            s.put(p + "1.DenseReluDense.wo.weight", new Shape(d, ff));
            s.put(p + "1.layer_norm.weight", new Shape(d));
        }
        s.put("encoder.final_layer_norm.weight", new Shape(d));
        return s;
    }

    private static List<String> bertVocab() {
        List<String> v = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        for (char ch = 'a'; ch <= 'z'; ch++) {
            v.add(String.valueOf(ch));
        }
        for (char ch = '0'; ch <= '9'; ch++) {
            v.add(String.valueOf(ch));
        }
        v.addAll(List.of(".", ",", "!", "?", "'"));
        for (char ch = 'a'; ch <= 'z'; ch++) {
            v.add("##" + ch);
        }
        return List.copyOf(v);
    }

    private static List<String> t5Pieces() {
        List<String> v = new ArrayList<>(List.of("<pad>", "</s>", "<unk>", "\u2581"));
        for (char ch = 'a'; ch <= 'z'; ch++) {
            v.add("\u2581" + ch);
        }
        for (char ch = 'a'; ch <= 'z'; ch++) {
            v.add(String.valueOf(ch));
        }
        for (char ch = '0'; ch <= '9'; ch++) {
            v.add(String.valueOf(ch));
        }
        v.addAll(List.of(".", ",", "!", "?", "'"));
        return List.copyOf(v);
    }

    /** A Unigram {@code tokenizer.json} as transformers converts a T5 {@code spiece.model}: Metaspace, {@code $A </s>}. */
    private static String t5TokenizerJson() {
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        JsonArray added = new JsonArray();
        for (int id = 0; id < 3; id++) {
            JsonObject t = new JsonObject();
            t.addProperty("id", id);
            t.addProperty("content", T5_PIECES.get(id));
            t.addProperty("single_word", false);
            t.addProperty("lstrip", false);
            t.addProperty("rstrip", false);
            t.addProperty("normalized", false);
            t.addProperty("special", true);
            added.add(t);
        }
        root.add("added_tokens", added);
        JsonObject meta = new JsonObject();
        meta.addProperty("type", "Metaspace");
        meta.addProperty("replacement", "\u2581");
        meta.addProperty("prepend_scheme", "always");
        meta.addProperty("split", true);
        root.add("pre_tokenizer", meta);
        root.add("decoder", meta.deepCopy());
        JsonObject post = new JsonObject();
        post.addProperty("type", "TemplateProcessing");
        JsonArray single = new JsonArray();
        single.add(seq("Sequence", "A"));
        single.add(seq("SpecialToken", "</s>"));
        JsonArray pair = single.deepCopy();
        pair.add(seq("Sequence", "B"));
        pair.add(seq("SpecialToken", "</s>"));
        post.add("single", single);
        post.add("pair", pair);
        JsonObject eos = new JsonObject();
        eos.addProperty("id", "</s>");
        JsonArray ids = new JsonArray();
        ids.add(1);
        eos.add("ids", ids);
        JsonArray tokens = new JsonArray();
        tokens.add("</s>");
        eos.add("tokens", tokens);
        JsonObject specials = new JsonObject();
        specials.add("</s>", eos);
        post.add("special_tokens", specials);
        root.add("post_processor", post);
        JsonObject model = new JsonObject();
        model.addProperty("type", "Unigram");
        model.addProperty("unk_id", 2);
        JsonArray vocab = new JsonArray();
        for (int i = 0; i < T5_PIECES.size(); i++) {
            JsonArray e = new JsonArray();
            String p = T5_PIECES.get(i);
            e.add(p);
            e.add(i < 3 ? 0.0 : p.startsWith("\u2581") ? -2.0 : -3.0);
            vocab.add(e);
        }
        model.add("vocab", vocab);
        model.addProperty("byte_fallback", false);
        root.add("model", model);
        return root.toString();
    }

    private static JsonObject seq(String kind, String id) {
        JsonObject inner = new JsonObject();
        inner.addProperty("id", id);
        inner.addProperty("type_id", 0);
        JsonObject o = new JsonObject();
        o.add(kind, inner);
        return o;
    }
}
