package io.hunyuan4j.core.api;

import java.nio.file.Path;
import java.util.Set;

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

    /**
     * {@return the {@code text_encoder} classes this factory loads}, as {@code model_index.json} names them (e.g.
     * {@code LlamaModel} for HunyuanVideo's Llama + CLIP pair): several families' factories can share a class path, and the loader picks the one whose names
     * include the folder's class.
     */
    Set<String> classNames();
}
