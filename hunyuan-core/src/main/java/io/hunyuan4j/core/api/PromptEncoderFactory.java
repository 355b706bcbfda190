package io.hunyuan4j.core.api;

import java.nio.file.Path;

/**
 * Service (ServiceLoader) that builds a {@link PromptEncoder} from a diffusers-layout model folder, so core
 * can load a whole model without depending on hunyuan-text.
 */
public interface PromptEncoderFactory {

    /**
     * @param modelDir the folder holding {@code text_encoder/}, {@code text_encoder_2/}, {@code tokenizer/},
     *     {@code tokenizer_2/}
     */
    PromptEncoder load(Path modelDir, ComponentOptions options);
}
