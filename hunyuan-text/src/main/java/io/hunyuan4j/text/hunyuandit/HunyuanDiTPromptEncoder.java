package io.hunyuan4j.text.hunyuandit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.api.PromptEncoder;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.TensorSource;
import io.hunyuan4j.text.PromptEncoders;
import io.hunyuan4j.text.TextTokenizer;
import io.hunyuan4j.text.TokenizedBatch;
import io.hunyuan4j.text.bert.BertConfig;
import io.hunyuan4j.text.bert.BertModel;
import io.hunyuan4j.text.t5.T5Config;
import io.hunyuan4j.text.t5.T5EncoderModel;
import io.hunyuan4j.text.t5.T5Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HunyuanDiT's prompt encoding ({@code encode_prompt} with {@code text_encoder_index} 0 and 1): the prompt through
 * the BERT tokenizer and encoder (max length {@link #MAX_LENGTH} = 77, {@code [CLS] ... [SEP]}) and through the
 * mT5 tokenizer and encoder ({@link #MAX_LENGTH_2} = 256, {@code </s>} appended), each WITH its tokenizer's
 * attention mask, reading {@code last_hidden_state}.
 *
 * <p>{@link #encodeBoth} returns both streams ({@link HunyuanDiTPromptEmbeds}); the transformer needs both. The
 * single-stream {@link PromptEncoder#encode} contract cannot carry the second one, so {@link #encode} returns the
 * BERT stream ({@code promptEmbeds} [B, 77, 1024], its mask) with an empty [B, 0] {@code pooled} placeholder; a
 * HunyuanDiT pipeline calls {@link #encodeBoth}.
 *
 * <p>{@link #close()} frees the weights, the file mappings and the native tokenizers.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/hunyuandit/pipeline_hunyuandit.py">diffusers HunyuanDiTPipeline.encode_prompt</a>
 */
public final class HunyuanDiTPromptEncoder implements PromptEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(HunyuanDiTPromptEncoder.class);

    /** diffusers {@code encode_prompt(text_encoder_index=0)}: {@code max_length = 77}. */
    public static final int MAX_LENGTH = 77;
    /** diffusers {@code encode_prompt(text_encoder_index=1)}: {@code max_length = 256}. */
    public static final int MAX_LENGTH_2 = 256;

    private final BertModel textEncoder;
    private final TextTokenizer tokenizer;
    private final T5EncoderModel textEncoder2;
    private final TextTokenizer tokenizer2;
    private final List<AutoCloseable> resources;

    /**
     * Assembles an encoder from built parts; {@code resources} (weight managers, checkpoints, tokenizers) are
     * closed with it.
     */
    public HunyuanDiTPromptEncoder(BertModel textEncoder, TextTokenizer tokenizer, T5EncoderModel textEncoder2,
            TextTokenizer tokenizer2, List<AutoCloseable> resources) {
        this.textEncoder = textEncoder;
        this.tokenizer = tokenizer;
        this.textEncoder2 = textEncoder2;
        this.tokenizer2 = tokenizer2;
        this.resources = List.copyOf(resources);
    }

    /**
     * Loads {@code text_encoder/} (BERT), {@code text_encoder_2/} (mT5), {@code tokenizer/} and
     * {@code tokenizer_2/} ({@code tokenizer.json} each) of a diffusers-layout HunyuanDiT folder.
     * {@link io.hunyuan4j.core.weights.LoadMode#LAZY} streams both encoders layer by layer on every call;
     * {@code EAGER} keeps them resident (refused above {@link io.hunyuan4j.text.HunyuanPromptEncoder#EAGER_LIMIT_BYTES}
     * per encoder).
     *
     * @throws IllegalArgumentException for a too large eager load, before reading weights; for a folder without
     *     weights
     * @throws io.hunyuan4j.core.config.ConfigException for a missing or invalid {@code config.json}
     * @throws io.hunyuan4j.text.TokenizerException for a missing or malformed tokenizer
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException if names or shapes differ from the configs
     */
    public static HunyuanDiTPromptEncoder load(Path modelDir, ComponentOptions options) {
        return load(modelDir, options, T5Precision.FLOAT32);
    }

    /**
     * As {@link #load(Path, ComponentOptions)}, with the mT5's precision chosen: {@link T5Precision#FLOAT32} (what
     * the two-argument load uses) keeps mT5 in float32 under a bf16 pipeline while BERT follows {@code options};
     * {@link T5Precision#COMPUTE_DTYPE} opts in to a bf16 mT5 (half its memory, a measured max_rel_err of 4.9e-2 on
     * the golden {@code text_mt5}).
     *
     * @param precision the mT5's precision policy
     * @throws IllegalArgumentException for a too large eager load, before reading weights; for a folder without
     *     weights
     */
    public static HunyuanDiTPromptEncoder load(Path modelDir, ComponentOptions options, T5Precision precision) {
        ComponentOptions t5Options = precision.encoderOptions(options);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            BertConfig bertConfig = BertConfig.fromJson(JsonConfig.read(modelDir.resolve("text_encoder/config.json")));
            T5Config t5Config = T5Config.fromJson(JsonConfig.read(modelDir.resolve("text_encoder_2/config.json")));
            TextTokenizer tokenizer = TextTokenizer.load(modelDir.resolve("tokenizer"));
            opened.add(tokenizer);
            TextTokenizer tokenizer2 = TextTokenizer.load(modelDir.resolve("tokenizer_2"));
            opened.add(tokenizer2);
            TensorSource bertSource = Checkpoints.open(modelDir.resolve("text_encoder"));
            opened.add(bertSource);
            TensorSource t5Source = Checkpoints.open(modelDir.resolve("text_encoder_2"));
            opened.add(t5Source);
            PromptEncoders.requireEagerFits(bertSource, options, "text_encoder/");
            PromptEncoders.requireEagerFits(t5Source, t5Options, "text_encoder_2/");
            NDManager weights = NDManager.newBaseManager(options.device());
            opened.add(weights);
            BertModel bert = BertModel.bind(bertSource, bertConfig, weights, options,
                    AttentionBackends.defaultBackend(), "text_encoder/");
            T5EncoderModel mt5 = T5EncoderModel.bind(t5Source, t5Config, weights, t5Options, "text_encoder_2/");
            LOG.info("text encoders bound from {} (BERT {} layers, mT5 {} blocks, {})", modelDir,
                    bertConfig.numHiddenLayers(), t5Config.numLayers(), options.loadMode());
            return new HunyuanDiTPromptEncoder(bert, tokenizer, mt5, tokenizer2, opened);
        } catch (RuntimeException e) {
            PromptEncoders.closeAll(opened, e);
            throw e;
        }
    }

    /** The BERT encoder. */
    public BertModel textEncoder() {
        return textEncoder;
    }

    /** The mT5 encoder. */
    public T5EncoderModel textEncoder2() {
        return textEncoder2;
    }

    /**
     * The BERT stream only (see the class comment): {@code promptEmbeds} [B, 77, hidden], its mask, an empty
     * [B, 0] {@code pooled}, BERT's truncation.
     */
    @Override
    public PromptEmbeds encode(List<String> prompts, NDManager manager) {
        PromptEncoders.requirePrompts(prompts);
        try (NDManager call = manager.newSubManager()) {
            Stream bert = bert(prompts, call);
            NDArray pooled = call.zeros(new Shape(prompts.size(), 0), DataType.FLOAT32);
            for (NDArray a : List.of(bert.embeds(), bert.mask(), pooled)) {
                a.attach(manager);
            }
            return new PromptEmbeds(bert.embeds(), bert.mask(), pooled, bert.truncated());
        }
    }

    /**
     * Both streams, as {@code encode_prompt} is called twice by the pipeline.
     *
     * @throws IllegalArgumentException for an empty list or a null prompt
     */
    public HunyuanDiTPromptEmbeds encodeBoth(List<String> prompts, NDManager manager) {
        PromptEncoders.requirePrompts(prompts);
        try (NDManager call = manager.newSubManager()) {
            Stream bert = bert(prompts, call);
            Stream mt5 = encodeStream(tokenizer2, MAX_LENGTH_2, prompts, call,
                    (ids, mask) -> textEncoder2.lastHiddenState(ids, mask));
            for (NDArray a : List.of(bert.embeds(), bert.mask(), mt5.embeds(), mt5.mask())) {
                a.attach(manager);
            }
            return new HunyuanDiTPromptEmbeds(bert.embeds(), bert.mask(), mt5.embeds(), mt5.mask(), bert.truncated(),
                    mt5.truncated());
        }
    }

    private Stream bert(List<String> prompts, NDManager call) {
        return encodeStream(tokenizer, MAX_LENGTH, prompts, call, textEncoder::lastHiddenState);
    }

    private record Stream(NDArray embeds, NDArray mask, List<Integer> truncated) { }

    private static Stream encodeStream(TextTokenizer tok, int maxLength, List<String> prompts, NDManager call,
            java.util.function.BinaryOperator<NDArray> encoder) {
        TokenizedBatch t = tok.batch(prompts, maxLength);
        List<Integer> cut = new ArrayList<>();
        for (int b = 0; b < prompts.size(); b++) {
            cut.add(t.truncated()[b]);
            if (t.truncated()[b] > 0) {
                LOG.warn("prompt {} was truncated because {} can only handle sequences up to {} tokens: {}", b,
                        tok.source(), maxLength, tok.truncatedText(prompts.get(b), maxLength));
            }
        }
        NDArray ids = t.inputIds(call);
        // a copy, not a view: the mask was built on a Java buffer that dies with this call's scope
        NDArray mask = t.attentionMask(call).duplicate();
        return new Stream(encoder.apply(ids, mask), mask, cut);
    }

    /** Frees the weights, the file mappings and the native tokenizers. Idempotent. */
    @Override
    public void close() {
        PromptEncoders.closeAll(resources, null);
    }
}
