package io.hunyuan4j.core.api;

import ai.djl.ndarray.NDArray;

/** The denoising model as the pipeline sees it (the HunyuanVideo DiT implements it). */
public interface Denoiser extends Component {

    /**
     * One forward pass.
     *
     * @return the predicted velocity, same shape as {@code input.hiddenStates()}, in its manager
     */
    NDArray forward(DenoiserInput input);

    /** Latent channels the model takes. */
    int inChannels();

    /** Spatial patch size (2). */
    int patchSize();

    /** Temporal patch size (1). */
    int patchSizeT();

    /**
     * How the model takes a conditioning image ({@code image_condition_type}); {@link ImageConditionType#NONE}
     * (the default) for a text-to-video model.
     */
    default ImageConditionType imageConditionType() {
        return ImageConditionType.NONE;
    }

    /** Whether the model embeds distilled guidance (then {@link DenoiserInput#guidance()} is required). */
    boolean guidanceEmbeds();
}
