package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.ImagePromptEncoder;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.api.RgbImage;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorLoader;
import io.hunyuan4j.core.weights.TensorSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HunyuanVideo-I2V's prompt encoding ({@code HunyuanVideoImageToVideoPipeline.encode_prompt}): the prompt in the
 * I2V template, whose {@code <image>} token becomes the LLaVA's projected image features, read at
 * {@code hidden_states[-3]}, then cropped and interleaved by {@link LlavaPromptAssembly}; plus the CLIP pooled
 * vector of the bare prompt.
 *
 * <p>The template numbers diffusers declares for the Llama 3 tokenizer and ViT-L/14-336 (crop_start 103,
 * image_emb_start 5, image_emb_len 576) are computed from the loaded tokenizer and vision config, so any
 * tokenizer works; a difference from the declared values is logged. One image conditions every prompt of a call.
 * {@link #encode(List, NDManager)} without an image is refused. {@link #close()} frees the weights (vision tower
 * and projector included), the file mappings and the native tokenizers: under model or block offload the
 * pipeline closes the encoder once the prompts are encoded and reloads it for the next call.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/hunyuan_video/pipeline_hunyuan_video_image2video.py">diffusers HunyuanVideoImageToVideoPipeline.encode_prompt</a>
 */
public final class LlavaPromptEncoder implements ImagePromptEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(LlavaPromptEncoder.class);

    /** diffusers {@code DEFAULT_PROMPT_TEMPLATE["template"]} of pipeline_hunyuan_video_image2video.py at 58eb52c. */
    public static final String I2V_TEMPLATE =
            "<|start_header_id|>system<|end_header_id|>\n\n<image>\nDescribe the video by detailing the following"
            + " aspects according to the reference image: "
            + "1. The main content and theme of the video."
            + "2. The color, shape, size, texture, quantity, text, and spatial relationships of the objects."
            + "3. Actions, events, behaviors temporal relationships, physical movement changes of the objects."
            + "4. background environment, light, style and atmosphere."
            + "5. camera angles, movements, and transitions used in the video:<|eot_id|>\n\n"
            + "<|start_header_id|>user<|end_header_id|>\n\n{}<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n";
    /** diffusers {@code crop_start} for the Llama 3 tokenizer. */
    public static final int I2V_CROP_START = 103;
    /** diffusers {@code image_emb_start} for the Llama 3 tokenizer. */
    public static final int I2V_IMAGE_EMB_START = 5;
    /** diffusers {@code image_emb_len}: 24 x 24 patches of ViT-L/14-336. */
    public static final int I2V_IMAGE_EMB_LEN = 576;
    /** The template's image placeholder. */
    public static final String IMAGE_TOKEN = "<image>";

    private final LlavaTextEncoder textEncoder;
    private final TextTokenizer tokenizer;
    private final ClipTextEncoder textEncoder2;
    private final TextTokenizer tokenizer2;
    private final ClipImageProcessor imageProcessor;
    private final PromptTemplate template;
    private final LlavaPromptAssembly assembly;
    private final long padTokenId;
    private final int templateSuffixTokens;
    private final List<AutoCloseable> resources;

    /**
     * Assembles an encoder from built parts; {@code resources} are closed with it.
     *
     * @param padTokenId the LLaVA config's {@code pad_token_id}: what marks padding in the expanded ids
     * @throws IllegalArgumentException if the template's text before the prompt does not hold the config's image
     *     token exactly once, or the tokenizer has no {@code <|end_header_id|>}
     */
    public LlavaPromptEncoder(LlavaTextEncoder textEncoder, TextTokenizer tokenizer, ClipTextEncoder textEncoder2,
            TextTokenizer tokenizer2, ClipImageProcessor imageProcessor, PromptTemplate template, long padTokenId,
            List<AutoCloseable> resources) {
        this.textEncoder = textEncoder;
        this.tokenizer = tokenizer;
        this.textEncoder2 = textEncoder2;
        this.tokenizer2 = tokenizer2;
        this.imageProcessor = imageProcessor;
        this.template = template;
        this.padTokenId = padTokenId;
        this.resources = List.copyOf(resources);
        int cropStart = template.cropStartFor(tokenizer);
        long imageToken = textEncoder.config().imageTokenIndex();
        long[] prefix = tokenizer.encode(template.prefix());
        int imageStart = -1;
        for (int i = 0; i < prefix.length; i++) {
            if (prefix[i] == imageToken) {
                if (imageStart >= 0) {
                    throw new IllegalArgumentException("the prompt template holds the image token " + imageToken
                            + " twice before the prompt; HunyuanVideo-I2V's holds it once");
                }
                imageStart = i;
            }
        }
        if (imageStart < 0) {
            throw new IllegalArgumentException("the prompt template gives no image token (image_token_index "
                    + imageToken + ") before the prompt under " + tokenizer.source() + "; expected " + IMAGE_TOKEN
                    + " to be that token");
        }
        int imageLen = textEncoder.config().visionConfig().numPatches()
                + (textEncoder.config().dropClsToken() ? 0 : 1);
        if (cropStart != I2V_CROP_START || imageStart != I2V_IMAGE_EMB_START || imageLen != I2V_IMAGE_EMB_LEN) {
            LOG.info("I2V template under {}: crop_start {}, image_emb_start {}, image_emb_len {} (diffusers declares"
                    + " {}, {}, {} for Llama 3 and ViT-L/14-336)", tokenizer.source(), cropStart, imageStart, imageLen,
                    I2V_CROP_START, I2V_IMAGE_EMB_START, I2V_IMAGE_EMB_LEN);
        }
        this.assembly = new LlavaPromptAssembly(cropStart, imageStart, imageStart + imageLen, imageLen,
                tokenizer.singleId("<|end_header_id|>"));
        this.templateSuffixTokens = template.suffixTokenCount(tokenizer);
    }

    /**
     * Loads {@code text_encoder/} (LLaVA), {@code tokenizer/}, {@code text_encoder_2/} (CLIP), {@code tokenizer_2/}
     * and {@code image_processor/preprocessor_config.json} of a diffusers-layout HunyuanVideo-I2V folder.
     * {@link LoadMode#LAZY} streams the Llama layers from the mapped checkpoint on every call; the vision tower,
     * projector and CLIP are small and bound as the mode says.
     *
     * @throws IllegalArgumentException for a missing component folder (named), an eager load over
     *     {@link HunyuanPromptEncoder#EAGER_LIMIT_BYTES}, or a template the tokenizer cannot place the image in
     * @throws io.hunyuan4j.core.config.ConfigException for a missing or invalid config (file and key named)
     * @throws TokenizerException for a missing or malformed tokenizer
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException if the weights do not match the configs
     */
    public static LlavaPromptEncoder load(Path modelDir, ComponentOptions options) {
        Path processorConfig = modelDir.resolve("image_processor/preprocessor_config.json");
        if (!Files.isRegularFile(processorConfig)) {
            throw new IllegalArgumentException("model folder " + modelDir + " has no " + modelDir.relativize(
                    processorConfig) + "; HunyuanVideo-I2V's LLaVA encoder needs its CLIPImageProcessor config");
        }
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            JsonConfig llavaJson = JsonConfig.read(modelDir.resolve("text_encoder/config.json"));
            LlavaConfig llavaConfig = LlavaConfig.fromJson(llavaJson);
            ClipConfig clipConfig = ClipConfig.fromJson(JsonConfig.read(modelDir.resolve("text_encoder_2/config.json")));
            ClipImageProcessor processor = ClipImageProcessor.fromJson(JsonConfig.read(processorConfig));
            TextTokenizer tokenizer = TextTokenizer.load(modelDir.resolve("tokenizer"));
            opened.add(tokenizer);
            TextTokenizer tokenizer2 = TextTokenizer.load(modelDir.resolve("tokenizer_2"));
            opened.add(tokenizer2);
            JsonConfig textConfig = llavaJson.object("text_config");
            long padId = llavaJson.has("pad_token_id") ? llavaJson.getLong("pad_token_id", 0)
                    : textConfig.has("pad_token_id") ? textConfig.getLong("pad_token_id", 0) : tokenizer.padId();
            NDManager weights = NDManager.newBaseManager(options.device());
            opened.add(weights);
            TensorSource llavaSource = Checkpoints.open(modelDir.resolve("text_encoder"));
            opened.add(llavaSource);
            TensorSource clipSource = Checkpoints.open(modelDir.resolve("text_encoder_2"));
            opened.add(clipSource);
            PromptEncoders.requireEagerFits(llavaSource, options, "text_encoder/ (LLaVA)");
            LoadMode mode = options.loadMode();
            TensorLoader loader = options.computeDtype().loader();
            // bound lazily either way (only the streamed Llama layers stay unread); EAGER then reads all
            LoadMode llavaMode = mode == LoadMode.SHAPE_ONLY ? LoadMode.SHAPE_ONLY : LoadMode.LAZY;
            StateDict w1 = StateDict.load(llavaSource, weights, llavaMode, loader, "text_encoder/");
            LlavaTextEncoder llava = new LlavaTextEncoder(w1, llavaConfig, AttentionBackends.defaultBackend(),
                    mode == LoadMode.LAZY);
            w1.requireAllConsumed();
            if (mode == LoadMode.EAGER) {
                llava.parameters().forEach(Parameter::array);
            }
            StateDict w2 = StateDict.load(clipSource, weights, mode, loader, "text_encoder_2/");
            ClipTextEncoder clip = new ClipTextEncoder(w2, clipConfig, AttentionBackends.defaultBackend());
            w2.requireAllConsumed();
            LOG.info("LLaVA prompt encoder bound from {} (vision {} layers, Llama {} layers, {}; CLIP {} layers)",
                    modelDir, llavaConfig.visionConfig().numHiddenLayers(), llavaConfig.textConfig().numHiddenLayers(),
                    mode, clipConfig.numHiddenLayers());
            return new LlavaPromptEncoder(llava, tokenizer, clip, tokenizer2, processor,
                    new PromptTemplate(I2V_TEMPLATE, I2V_CROP_START), padId, opened);
        } catch (RuntimeException e) {
            PromptEncoders.closeAll(opened, e);
            throw e;
        }
    }

    /** The template numbers in use (computed for the loaded tokenizer and vision tower). */
    public LlavaPromptAssembly assembly() {
        return assembly;
    }

    /**
     * Refused: HunyuanVideo-I2V's encoder reads the image with the prompt.
     *
     * @throws IllegalArgumentException always, naming {@link #encode(List, RgbImage, int, NDManager)}
     */
    @Override
    public PromptEmbeds encode(List<String> prompts, NDManager manager) {
        throw new IllegalArgumentException("the LLaVA prompt encoder of HunyuanVideo-I2V needs the conditioning"
                + " image: give the request an image (GenerationRequest.withImage), or call encode(prompts, image,"
                + " imageEmbedInterleave, manager)");
    }

    /**
     * {@code encode_prompt(image, prompt, image_embed_interleave=k)}: prompt embeds [B, k-interleaved image tokens
     * + crop_start+256-crop_start-4 text tokens, D], their mask, and CLIP's pooled output [B, D'].
     *
     * @throws IllegalArgumentException for an empty list, a null prompt, or a prompt holding {@code <image>}
     */
    @Override
    public PromptEmbeds encode(List<String> prompts, RgbImage image, int imageEmbedInterleave, NDManager manager) {
        PromptEncoders.requirePrompts(prompts);
        try (NDManager call = manager.newSubManager()) {
            List<String> formatted = prompts.stream().map(template::format).toList();
            int maxLength = assembly.cropStart() + HunyuanPromptEncoder.MAX_SEQUENCE_LENGTH;
            TokenizedBatch t1 = tokenizer.batch(formatted, maxLength);
            List<Integer> cut = new ArrayList<>();
            for (int b = 0; b < prompts.size(); b++) {
                int c = Math.max(0, t1.truncated()[b] - templateSuffixTokens);
                cut.add(c);
                if (c > 0) {
                    LOG.warn("prompt {} was truncated: the MLLM text encoder reads at most {} tokens; {} tokens cut: {}",
                            b, HunyuanPromptEncoder.MAX_SEQUENCE_LENGTH, c,
                            tokenizer.truncatedText(formatted.get(b), maxLength));
                }
            }
            LlavaPromptAssembly.Expanded e = assembly.expand(t1.inputIds(), textEncoder.config().imageTokenIndex(),
                    padTokenId);
            NDArray ids = longs(call, e.inputIds());
            NDArray mask = longs(call, e.attentionMask());
            // one image per prompt, as a list of the same image would give
            NDArray pixels = imageProcessor.preprocess(image, call).repeat(0, prompts.size());
            NDArray hidden = textEncoder.hiddenState(ids, mask, pixels, HunyuanPromptEncoder.NUM_HIDDEN_LAYERS_TO_SKIP);
            LlavaPromptAssembly.Assembled a = assembly.assemble(hidden, t1.inputIds(), t1.attentionMask(),
                    imageEmbedInterleave);
            TokenizedBatch t2 = tokenizer2.batch(prompts, HunyuanPromptEncoder.CLIP_MAX_SEQUENCE_LENGTH);
            for (int b = 0; b < prompts.size(); b++) {
                if (t2.truncated()[b] > 0) {
                    LOG.warn("prompt {} was truncated because CLIP can only handle sequences up to {} tokens: {}", b,
                            HunyuanPromptEncoder.CLIP_MAX_SEQUENCE_LENGTH,
                            tokenizer2.truncatedText(prompts.get(b), HunyuanPromptEncoder.CLIP_MAX_SEQUENCE_LENGTH));
                }
            }
            NDArray pooled = textEncoder2.forward(t2.inputIds(call), false).poolerOutput();
            NDArray embeds = a.promptEmbeds();
            NDArray embedsMask = a.attentionMask().duplicate();
            embeds.attach(manager);
            embedsMask.attach(manager);
            pooled.attach(manager);
            return new PromptEmbeds(embeds, embedsMask, pooled, cut);
        }
    }

    /** The token ids {@code tokenizer(template.format(prompt), max_length=crop_start + 256)} gives (for checks). */
    public TokenizedBatch tokenize(List<String> prompts) {
        return tokenizer.batch(prompts.stream().map(template::format).toList(),
                assembly.cropStart() + HunyuanPromptEncoder.MAX_SEQUENCE_LENGTH);
    }

    private static NDArray longs(NDManager manager, long[][] rows) {
        int l = rows[0].length;
        long[] flat = new long[rows.length * l];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * l, l);
        }
        return HostArrays.longs(manager, flat, new Shape(rows.length, l));
    }

    /** Frees the weights (vision tower, projector, Llama, CLIP), the file mappings and the tokenizers. Idempotent. */
    @Override
    public void close() {
        PromptEncoders.closeAll(resources, null);
    }

    @Override
    public String toString() {
        return "LlavaPromptEncoder[" + assembly + ", vision " + textEncoder.config().visionConfig().numHiddenLayers()
                + " layers, llama " + textEncoder.config().textConfig().numHiddenLayers() + " layers]";
    }
}
