package io.hunyuan4j.core.api;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * A prompt encoder that reads the conditioning image with the text, as HunyuanVideo-I2V's LLaVA does
 * (diffusers {@code HunyuanVideoImageToVideoPipeline.encode_prompt(image, prompt, ...)}). The pipeline calls it
 * for an image-to-video request; {@link #encode(List, NDManager)} without an image is refused.
 */
public interface ImagePromptEncoder extends PromptEncoder {

    /**
     * Encodes prompts together with one image (the same image for every prompt).
     *
     * @param prompts one or more prompts (an empty prompt is allowed)
     * @param image the image as given (the encoder's image processor resizes and crops it)
     * @param imageEmbedInterleave keep every k-th image token ({@code image_embed_interleave}; values outside
     *     (0, 6) keep all)
     * @param manager where the returned arrays live
     */
    PromptEmbeds encode(List<String> prompts, RgbImage image, int imageEmbedInterleave, NDManager manager);
}
