package io.hunyuan4j.core.api;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.cache.CacheContext;

/** The denoising model as the pipeline sees it (the HunyuanVideo DiT implements it). */
public interface Denoiser extends Component {

    /**
     * One forward pass.
     *
     * @return the predicted velocity, same shape as {@code input.hiddenStates()}, in its manager
     */
    NDArray forward(DenoiserInput input);

    /**
     * One forward pass whose block stack a step cache may skip or approximate ({@code context} is this call's
     * guidance branch in the cache's session, e.g. {@code session.context("cond")}).
     *
     * @throws UnsupportedOperationException if {@link #supportsStepCache()} is false
     */
    default NDArray forward(DenoiserInput input, CacheContext context) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support step caching");
    }

    /** Whether {@link #forward(DenoiserInput, CacheContext)} is implemented. */
    default boolean supportsStepCache() {
        return false;
    }

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
