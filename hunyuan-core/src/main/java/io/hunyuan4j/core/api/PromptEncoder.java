package io.hunyuan4j.core.api;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Turns prompts into conditioning for the DiT. Implemented by hunyuan-text (Llama + CLIP); the pipeline only
 * knows this interface.
 */
public interface PromptEncoder extends Component {

    /**
     * Encodes a batch of prompts (an empty prompt is allowed).
     *
     * @param prompts one or more prompts
     * @param manager where the returned arrays live
     */
    PromptEmbeds encode(List<String> prompts, NDManager manager);

    /** Releases the encoders' weights (the 8B MLLM must not stay resident next to the DiT). */
    @Override
    void close();
}
