package io.hunyuan4j.text.cogvideox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.api.PromptEncoder;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.TensorSource;
import io.hunyuan4j.text.HunyuanPromptEncoder;
import io.hunyuan4j.text.PromptEncoders;
import io.hunyuan4j.text.TextTokenizer;
import io.hunyuan4j.text.TokenizedBatch;
import io.hunyuan4j.text.t5.T5Config;
import io.hunyuan4j.text.t5.T5EncoderModel;
import io.hunyuan4j.text.t5.T5Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CogVideoX's prompt encoding ({@code _get_t5_prompt_embeds}): the prompt tokenized to exactly
 * {@link #MAX_SEQUENCE_LENGTH} tokens ({@code </s>} appended, {@code <pad>} after it, longer prompts cut) and run
 * through the T5 encoder WITHOUT an attention mask, so the padding tokens take part in the attention and shape the
 * valid tokens' embeddings, exactly as diffusers does.
 *
 * <p>What {@link #encode} returns, in {@link PromptEmbeds}' terms:
 * <ul>
 *   <li>{@code promptEmbeds}: {@code last_hidden_state} [B, 226, d_model] (4096 for T5-XXL), float32;</li>
 *   <li>{@code attentionMask}: ALL ONES, INT64 [B, 226]. Every one of the 226 embeddings is conditioning: the
 *       T5 ran unmasked and the CogVideoX transformer attends to all of them, padding included. A consumer that
 *       masked by the tokenizer's mask would diverge from diffusers; the tokenizer's mask is reported by
 *       {@link #encodeWithReport} for information;</li>
 *   <li>{@code pooled}: an empty float32 [B, 0] placeholder: CogVideoX has no pooled text vector;</li>
 *   <li>{@code truncatedTokens}: per prompt, the tokens cut to fit 226.</li>
 * </ul>
 *
 * <p>{@link #close()} frees the weights, the file mapping and the native tokenizer.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/cogvideo/pipeline_cogvideox.py">diffusers CogVideoXPipeline._get_t5_prompt_embeds</a>
 */
public final class CogVideoXPromptEncoder implements PromptEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(CogVideoXPromptEncoder.class);

    /** diffusers {@code CogVideoXPipeline.__call__(max_sequence_length=226)}. */
    public static final int MAX_SEQUENCE_LENGTH = 226;

    private final T5EncoderModel textEncoder;
    private final TextTokenizer tokenizer;
    private final int maxSequenceLength;
    private final List<AutoCloseable> resources;

    /**
     * One encode call's results.
     *
     * @param embeds what {@link #encode} returns
     * @param tokenAttentionMask the tokenizer's mask, INT64 [B, L] (1 for the prompt's tokens and {@code </s>});
     *     informational: the encoder did not use it
     */
    public record Encoding(PromptEmbeds embeds, NDArray tokenAttentionMask) { }

    /**
     * Assembles an encoder from built parts; {@code resources} (weight manager, checkpoint, tokenizer) are closed
     * with it.
     *
     * @param maxSequenceLength tokens per prompt, {@link #MAX_SEQUENCE_LENGTH} in the pipeline
     */
    public CogVideoXPromptEncoder(T5EncoderModel textEncoder, TextTokenizer tokenizer, int maxSequenceLength,
            List<AutoCloseable> resources) {
        if (maxSequenceLength < 1) {
            throw new IllegalArgumentException("maxSequenceLength must be >= 1 but is " + maxSequenceLength);
        }
        this.textEncoder = textEncoder;
        this.tokenizer = tokenizer;
        this.maxSequenceLength = maxSequenceLength;
        this.resources = List.copyOf(resources);
    }

    /**
     * Loads {@code text_encoder/} and {@code tokenizer/} (a {@code tokenizer.json}) of a diffusers-layout CogVideoX
     * folder. {@link io.hunyuan4j.core.weights.LoadMode#LAZY} streams the T5 block by block on every call;
     * {@code EAGER} keeps it resident and is refused above {@link HunyuanPromptEncoder#EAGER_LIMIT_BYTES}
     * (T5-XXL is 19 GB in float32, 9.5 GB in bf16).
     *
     * @throws IllegalArgumentException for a too large eager load, before reading weights; for a folder without
     *     weights
     * @throws io.hunyuan4j.core.config.ConfigException for a missing or invalid {@code text_encoder/config.json}
     * @throws io.hunyuan4j.text.TokenizerException for a missing or malformed tokenizer
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException if names or shapes differ from the config
     */
    public static CogVideoXPromptEncoder load(Path modelDir, ComponentOptions options) {
        return load(modelDir, options, T5Precision.FLOAT32);
    }

    /**
     * As {@link #load(Path, ComponentOptions)}, with the T5's precision chosen: {@link T5Precision#FLOAT32} (what
     * the two-argument load uses) keeps T5-XXL in float32 under a bf16 pipeline; {@link T5Precision#COMPUTE_DTYPE}
     * opts in to a bf16 T5 (half the memory, a measured max_rel_err of 7.3e-2 on the golden {@code text_t5}).
     *
     * @param precision the T5's precision policy
     * @throws IllegalArgumentException for a too large eager load, before reading weights; for a folder without
     *     weights
     */
    public static CogVideoXPromptEncoder load(Path modelDir, ComponentOptions pipelineOptions,
            T5Precision precision) {
        ComponentOptions options = precision.encoderOptions(pipelineOptions);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            T5Config config = T5Config.fromJson(JsonConfig.read(modelDir.resolve("text_encoder/config.json")));
            TextTokenizer tokenizer = TextTokenizer.load(modelDir.resolve("tokenizer"));
            opened.add(tokenizer);
            TensorSource source = Checkpoints.open(modelDir.resolve("text_encoder"));
            opened.add(source);
            PromptEncoders.requireEagerFits(source, options, "text_encoder/");
            NDManager weights = NDManager.newBaseManager(options.device());
            opened.add(weights);
            T5EncoderModel t5 = T5EncoderModel.bind(source, config, weights, options, "text_encoder/");
            LOG.info("T5 text encoder bound from {} ({} blocks, {}, {})", modelDir, config.numLayers(),
                    options.loadMode(), options.computeDtype());
            return new CogVideoXPromptEncoder(t5, tokenizer, MAX_SEQUENCE_LENGTH, opened);
        } catch (RuntimeException e) {
            PromptEncoders.closeAll(opened, e);
            throw e;
        }
    }

    /** The T5 encoder. */
    public T5EncoderModel textEncoder() {
        return textEncoder;
    }

    /** {@inheritDoc} */
    @Override
    public PromptEmbeds encode(List<String> prompts, NDManager manager) {
        return encodeWithReport(prompts, manager).embeds();
    }

    /**
     * Encodes and also returns the tokenizer's mask.
     *
     * @throws IllegalArgumentException for an empty list or a null prompt
     */
    public Encoding encodeWithReport(List<String> prompts, NDManager manager) {
        PromptEncoders.requirePrompts(prompts);
        try (NDManager call = manager.newSubManager()) {
            TokenizedBatch t = tokenizer.batch(prompts, maxSequenceLength);
            List<Integer> cut = new ArrayList<>();
            for (int b = 0; b < prompts.size(); b++) {
                cut.add(t.truncated()[b]);
                if (t.truncated()[b] > 0) {
                    LOG.warn("The following part of prompt {} was truncated because `max_sequence_length` is set to"
                            + " {} tokens: {}", b, maxSequenceLength,
                            tokenizer.truncatedText(prompts.get(b), maxSequenceLength));
                }
            }
            NDArray ids = t.inputIds(call);
            // diffusers: text_encoder(text_input_ids)[0], no attention_mask
            NDArray promptEmbeds = textEncoder.lastHiddenState(ids, null);
            Shape bl = new Shape(prompts.size(), maxSequenceLength);
            NDArray attentionMask = call.ones(bl, DataType.INT64);
            NDArray pooled = call.zeros(new Shape(prompts.size(), 0), DataType.FLOAT32);
            NDArray tokenMask = t.attentionMask(call).duplicate();
            for (NDArray a : List.of(promptEmbeds, attentionMask, pooled, tokenMask)) {
                a.attach(manager);
            }
            return new Encoding(new PromptEmbeds(promptEmbeds, attentionMask, pooled, cut), tokenMask);
        }
    }

    /** Frees the weights, the file mapping and the native tokenizer. Idempotent. */
    @Override
    public void close() {
        PromptEncoders.closeAll(resources, null);
    }
}
