package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.api.PromptEncoder;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorLoader;
import io.hunyuan4j.core.weights.TensorSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HunyuanVideo's prompt encoding ({@code encode_prompt}): the prompt in the video template through the Llama
 * encoder, read at {@code hidden_states[-3]} with the template's tokens cropped, plus the CLIP pooled vector.
 *
 * <p>Returns prompt embeds [B, 256, hidden], the attention mask [B, 256] (INT64, 1 then trailing 0) and the
 * pooled CLIP output [B, 768] for the real model. A negative prompt is just another {@link #encode} call; an
 * empty prompt is allowed. {@link #close()} frees the weights, the file mappings and the native tokenizers.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/hunyuan_video/pipeline_hunyuan_video.py">diffusers HunyuanVideoPipeline._get_llama_prompt_embeds / _get_clip_prompt_embeds</a>
 */
public final class HunyuanPromptEncoder implements PromptEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(HunyuanPromptEncoder.class);

    /** diffusers {@code encode_prompt(max_sequence_length=256)}: user tokens kept after the crop. */
    public static final int MAX_SEQUENCE_LENGTH = 256;
    /** diffusers {@code _get_llama_prompt_embeds(num_hidden_layers_to_skip=2)}. */
    public static final int NUM_HIDDEN_LAYERS_TO_SKIP = 2;
    /** diffusers {@code _get_clip_prompt_embeds(max_sequence_length=77)}. */
    public static final int CLIP_MAX_SEQUENCE_LENGTH = 77;
    /**
     * Above this many bytes of resident Llama weights (4 per element in float32, 2 in bf16), {@link LoadMode#EAGER}
     * is refused: the encoder must stream ({@link LoadMode#LAZY}). The real 8B encoder is 30 GB in float32, 15 GB
     * in bf16.
     */
    public static final long EAGER_LIMIT_BYTES = 8L << 30;

    private final LlamaTextEncoder textEncoder;
    private final TextTokenizer tokenizer;
    private final ClipTextEncoder textEncoder2;
    private final TextTokenizer tokenizer2;
    private final PromptTemplate template;
    private final int cropStart;
    private final int templateSuffixTokens;
    private final List<AutoCloseable> resources;

    /**
     * What one encode call produced, with the truncation of both encoders.
     *
     * @param embeds the pipeline's conditioning; its {@code truncatedTokens} are the Llama encoder's
     * @param llamaTruncatedTokens per prompt, user tokens cut to fit {@link #MAX_SEQUENCE_LENGTH}
     * @param clipTruncatedTokens per prompt, tokens cut to fit CLIP's 77 positions
     */
    public record Encoding(PromptEmbeds embeds, List<Integer> llamaTruncatedTokens, List<Integer> clipTruncatedTokens) {

        /** Copies the lists. */
        public Encoding {
            llamaTruncatedTokens = List.copyOf(llamaTruncatedTokens);
            clipTruncatedTokens = List.copyOf(clipTruncatedTokens);
        }
    }

    /**
     * Assembles an encoder from built parts; {@code resources} (weight managers, checkpoints, tokenizers) are
     * closed with it.
     */
    public HunyuanPromptEncoder(LlamaTextEncoder textEncoder, TextTokenizer tokenizer, ClipTextEncoder textEncoder2,
            TextTokenizer tokenizer2, PromptTemplate template, List<AutoCloseable> resources) {
        this.textEncoder = textEncoder;
        this.tokenizer = tokenizer;
        this.textEncoder2 = textEncoder2;
        this.tokenizer2 = tokenizer2;
        this.template = template;
        this.cropStart = template.cropStartFor(tokenizer);
        this.templateSuffixTokens = template.suffixTokenCount(tokenizer);
        this.resources = List.copyOf(resources);
    }

    /**
     * Loads {@code text_encoder/}, {@code text_encoder_2/}, {@code tokenizer/}, {@code tokenizer_2/} of a
     * diffusers-layout folder. {@link LoadMode#LAZY} streams the Llama encoder layer by layer from the mapped
     * checkpoint on every call (nothing of it stays resident); {@link LoadMode#EAGER} keeps it resident and is
     * refused above {@link #EAGER_LIMIT_BYTES}; {@link LoadMode#SHAPE_ONLY} binds names and shapes only.
     *
     * @throws IllegalArgumentException for an unsupported option or a too large eager load, before reading weights;
     *     for a component folder that holds no weights
     * @throws io.hunyuan4j.core.config.ConfigException for a missing, invalid or out-of-bounds
     *     {@code config.json} of either encoder (file and key named)
     * @throws TokenizerException for a missing or malformed tokenizer file, or one with an empty vocabulary
     * @throws io.hunyuan4j.core.weights.SafetensorsException for a malformed weight file or one that is not a
     *     regular file
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException if the names or shapes differ from the configs
     * @throws java.io.UncheckedIOException if a file cannot be read
     */
    public static HunyuanPromptEncoder load(Path modelDir, ComponentOptions options) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            LlamaConfig llamaConfig = LlamaConfig.fromJson(JsonConfig.read(modelDir.resolve("text_encoder/config.json")));
            ClipConfig clipConfig = ClipConfig.fromJson(JsonConfig.read(modelDir.resolve("text_encoder_2/config.json")));
            TextTokenizer tokenizer = TextTokenizer.load(modelDir.resolve("tokenizer"));
            opened.add(tokenizer);
            TextTokenizer tokenizer2 = TextTokenizer.load(modelDir.resolve("tokenizer_2"));
            opened.add(tokenizer2);
            NDManager weights = NDManager.newBaseManager(options.device());
            opened.add(weights);
            TensorSource llamaSource = Checkpoints.open(modelDir.resolve("text_encoder"));
            opened.add(llamaSource);
            TensorSource clipSource = Checkpoints.open(modelDir.resolve("text_encoder_2"));
            opened.add(clipSource);
            LoadMode mode = options.loadMode();
            if (mode == LoadMode.EAGER) {
                long bytesPerElement = options.computeDtype() == ComputeDtype.BF16 ? 2 : 4;
                requireEagerFits(llamaSource.names().stream()
                        .mapToLong(n -> llamaSource.info(n).shape().size() * bytesPerElement).sum());
            }
            // The Llama weights are bound lazily either way; EAGER then loads them resident once bound.
            LoadMode llamaMode = mode == LoadMode.SHAPE_ONLY ? LoadMode.SHAPE_ONLY : LoadMode.LAZY;
            TensorLoader loader = options.computeDtype().loader();
            StateDict w1 = StateDict.load(llamaSource, weights, llamaMode, loader, "text_encoder/");
            LlamaTextEncoder llama = new LlamaTextEncoder(w1, llamaConfig, AttentionBackends.defaultBackend(), mode == LoadMode.LAZY);
            w1.requireAllConsumed();
            if (mode == LoadMode.EAGER) {
                llama.parameters().forEach(Parameter::array);
            }
            StateDict w2 = StateDict.load(clipSource, weights, mode, loader, "text_encoder_2/");
            ClipTextEncoder clip = new ClipTextEncoder(w2, clipConfig, AttentionBackends.defaultBackend());
            w2.requireAllConsumed();
            LOG.info("text encoders bound from {} (Llama {} layers, {}; CLIP {} layers)", modelDir,
                    llamaConfig.numHiddenLayers(), mode == LoadMode.LAZY ? "streamed per layer" : mode, clipConfig.numHiddenLayers());
            return new HunyuanPromptEncoder(llama, tokenizer, clip, tokenizer2, PromptTemplate.hunyuanVideo(), opened);
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /** Refuses an eager load of more than {@link #EAGER_LIMIT_BYTES} of resident Llama weights. */
    static void requireEagerFits(long residentBytes) {
        if (residentBytes > EAGER_LIMIT_BYTES) {
            throw new IllegalArgumentException("loadMode EAGER would hold " + (residentBytes >> 20) + " MiB of"
                    + " Llama weights (limit " + (EAGER_LIMIT_BYTES >> 20) + " MiB); use LoadMode.LAZY, which"
                    + " streams text_encoder/ layer by layer");
        }
    }

    /** The Llama encoder (for tests of its residency). */
    LlamaTextEncoder textEncoder() {
        return textEncoder;
    }

    /** The crop applied to the Llama output: template tokens before the user text. */
    public int cropStart() {
        return cropStart;
    }

    /** {@inheritDoc} */
    @Override
    public PromptEmbeds encode(List<String> prompts, NDManager manager) {
        return encodeWithReport(prompts, manager).embeds();
    }

    /**
     * Encodes and reports the truncation of both encoders.
     *
     * @throws IllegalArgumentException for an empty list or a null prompt
     */
    public Encoding encodeWithReport(List<String> prompts, NDManager manager) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("prompts must hold at least one prompt but is empty");
        }
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i) == null) {
                throw new IllegalArgumentException("prompts[" + i + "] is null; use \"\" for an empty prompt");
            }
        }
        try (NDManager call = manager.newSubManager()) {
            // 1. MLLM: template, tokenize to crop_start + 256, hidden_states[-3], crop the template
            List<String> formatted = prompts.stream().map(template::format).toList();
            int maxLength = cropStart + MAX_SEQUENCE_LENGTH;
            TokenizedBatch t1 = tokenizer.batch(formatted, maxLength);
            List<Integer> llamaCut = new ArrayList<>();
            for (int b = 0; b < prompts.size(); b++) {
                int cut = Math.max(0, t1.truncated()[b] - templateSuffixTokens);
                llamaCut.add(cut);
                if (cut > 0) {
                    LOG.warn("prompt {} was truncated: the MLLM text encoder reads at most {} tokens; {} tokens cut: {}",
                            b, MAX_SEQUENCE_LENGTH, cut, tokenizer.truncatedText(formatted.get(b), maxLength));
                }
            }
            NDArray ids = t1.inputIds(call);
            NDArray mask = t1.attentionMask(call);
            NDArray hidden = textEncoder.hiddenState(ids, mask, NUM_HIDDEN_LAYERS_TO_SKIP);
            NDArray promptEmbeds = hidden.get(":, {}:, :", cropStart);
            // a copy, not a view: the mask was built on a Java buffer that dies with this call's scope
            NDArray promptMask = mask.get(":, {}:", cropStart).duplicate();
            // 2. CLIP pooled, 77 tokens
            TokenizedBatch t2 = tokenizer2.batch(prompts, CLIP_MAX_SEQUENCE_LENGTH);
            List<Integer> clipCut = new ArrayList<>();
            for (int b = 0; b < prompts.size(); b++) {
                clipCut.add(t2.truncated()[b]);
                if (t2.truncated()[b] > 0) {
                    LOG.warn("prompt {} was truncated because CLIP can only handle sequences up to {} tokens: {}", b,
                            CLIP_MAX_SEQUENCE_LENGTH, tokenizer2.truncatedText(prompts.get(b), CLIP_MAX_SEQUENCE_LENGTH));
                }
            }
            NDArray pooled = textEncoder2.forward(t2.inputIds(call), false).poolerOutput();
            promptEmbeds.attach(manager);
            promptMask.attach(manager);
            pooled.attach(manager);
            return new Encoding(new PromptEmbeds(promptEmbeds, promptMask, pooled, llamaCut), llamaCut, clipCut);
        }
    }

    /** Frees the weights, the file mappings and the native tokenizers. Idempotent. */
    @Override
    public void close() {
        closeAll(resources, null);
    }

    private static void closeAll(List<AutoCloseable> resources, @Nullable RuntimeException pending) {
        List<AutoCloseable> reversed = new ArrayList<>(resources);
        java.util.Collections.reverse(reversed);
        for (AutoCloseable r : reversed) {
            try {
                r.close();
            } catch (Exception e) {
                if (pending != null) {
                    pending.addSuppressed(e);
                } else {
                    LOG.warn("closing {} failed: {}", r, e.toString());
                }
            }
        }
    }

    @Override
    public String toString() {
        return "HunyuanPromptEncoder[cropStart=" + cropStart + ", template suffix tokens=" + templateSuffixTokens
                + ", llama=" + textEncoder.config().numHiddenLayers() + " layers, clip="
                + textEncoder2.config().numHiddenLayers() + " layers, resources=" + Arrays.toString(resources.toArray())
                + "]";
    }
}
