package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * transformers {@code LlavaMultiModalProjector}: {@code linear_2(gelu(linear_1(x)))}, vision width to text width.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/llava/modeling_llava.py">transformers LlavaMultiModalProjector</a>
 */
public final class LlavaMultiModalProjector {

    private final Linear linear1;
    private final Linear linear2;

    /** Binds {@code linear_1} [text, vision] and {@code linear_2} [text, text], with biases. */
    public LlavaMultiModalProjector(StateDict w, int visionHidden, int textHidden) {
        this.linear1 = new Linear(w.child("linear_1"), visionHidden, textHidden);
        this.linear2 = new Linear(w.child("linear_2"), textHidden, textHidden);
    }

    /**
     * @param imageFeatures [B, P, vision hidden]
     * @return [B, P, text hidden]
     */
    public NDArray forward(NDArray imageFeatures) {
        // projector_hidden_act "gelu": the exact (erf) GELU
        return linear2.forward(F.gelu(linear1.forward(imageFeatures)));
    }
}
