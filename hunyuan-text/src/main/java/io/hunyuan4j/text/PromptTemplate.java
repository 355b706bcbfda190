package io.hunyuan4j.text;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system-prompt template the MLLM encoder reads the user's prompt in, and how many leading tokens (the
 * template before the user text, BOS included) are cropped from its output.
 *
 * @param template text with one {@code {}} where the prompt goes
 * @param cropStart the declared crop for the reference tokenizer, or null to compute it
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/hunyuan_video/pipeline_hunyuan_video.py">diffusers DEFAULT_PROMPT_TEMPLATE</a>
 */
public record PromptTemplate(String template, @Nullable Integer cropStart) {

    private static final Logger LOG = LoggerFactory.getLogger(PromptTemplate.class);

    /** The placeholder Python's {@code str.format} fills. */
    public static final String PLACEHOLDER = "{}";

    /** diffusers {@code DEFAULT_PROMPT_TEMPLATE["template"]} (pipeline_hunyuan_video.py at 58eb52c). */
    public static final String HUNYUAN_VIDEO_TEMPLATE =
            "<|start_header_id|>system<|end_header_id|>\n\nDescribe the video by detailing the following aspects: "
            + "1. The main content and theme of the video."
            + "2. The color, shape, size, texture, quantity, text, and spatial relationships of the objects."
            + "3. Actions, events, behaviors temporal relationships, physical movement changes of the objects."
            + "4. background environment, light, style and atmosphere."
            + "5. camera angles, movements, and transitions used in the video:<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\n{}<|eot_id|>";

    /** diffusers {@code DEFAULT_PROMPT_TEMPLATE["crop_start"]}: the template's tokens before the user text, BOS included, under the Llama 3 tokenizer. */
    public static final int HUNYUAN_VIDEO_CROP_START = 95;

    /** Checks that the template holds the placeholder exactly once and that {@code cropStart} is not negative. */
    public PromptTemplate {
        int at = template.indexOf(PLACEHOLDER);
        if (at < 0 || template.indexOf(PLACEHOLDER, at + 1) >= 0) {
            throw new IllegalArgumentException("template must contain exactly one \"{}\" but is \"" + template + "\"");
        }
        if (cropStart != null && cropStart < 0) {
            throw new IllegalArgumentException("cropStart must be >= 0 but is " + cropStart);
        }
    }

    /** HunyuanVideo's video template with crop_start 95. */
    public static PromptTemplate hunyuanVideo() {
        return new PromptTemplate(HUNYUAN_VIDEO_TEMPLATE, HUNYUAN_VIDEO_CROP_START);
    }

    /** {@code template.format(prompt)}. */
    public String format(String prompt) {
        return prefix() + prompt + suffix();
    }

    /** The template before the prompt. */
    public String prefix() {
        return template.substring(0, template.indexOf(PLACEHOLDER));
    }

    /** The template after the prompt. */
    public String suffix() {
        return template.substring(template.indexOf(PLACEHOLDER) + PLACEHOLDER.length());
    }

    /**
     * The crop for {@code tokenizer}: the declared value when the tokenizer puts exactly that many tokens before
     * the user text (the reference Llama 3 tokenizer does), else the count this tokenizer gives, with a warning
     * when it differs from a declared value.
     */
    public int cropStartFor(TextTokenizer tokenizer) {
        int computed = tokenizer.countTokens(prefix()) - tokenizer.suffixTokens().length;
        if (cropStart != null && cropStart != computed) {
            LOG.info("prompt template crop_start {} is for the reference Llama 3 tokenizer; {} puts {} tokens"
                    + " before the user text, cropping {}", cropStart, tokenizer.source(), computed, computed);
        }
        return computed;
    }

    /** Tokens of the template after the user text ({@code <|eot_id|>}: 1 for the reference). */
    public int suffixTokenCount(TextTokenizer tokenizer) {
        return tokenizer.countTokens(format("")) - tokenizer.countTokens(prefix());
    }
}
