package io.hunyuan4j.core.pipeline;

import ai.djl.ndarray.NDArray;

/**
 * Classifier-free guidance as every diffusers pipeline writes it,
 * {@code noise_pred_uncond + guidance_scale * (noise_pred_text - noise_pred_uncond)}: the HunyuanVideo pipeline's
 * true CFG, CogVideoX's and HunyuanDiT's classifier-free guidance.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/cogvideo/pipeline_cogvideox.py">diffusers CogVideoXPipeline.__call__</a>
 */
public final class Guidance {

    private Guidance() {}

    /**
     * {@code uncond + scale * (cond - uncond)}, in that order of operations.
     *
     * @param uncond the prediction for the negative (or empty) prompt
     * @param cond the prediction for the prompt
     * @return the guided prediction, in {@code uncond}'s manager
     */
    public static NDArray classifierFree(NDArray uncond, NDArray cond, float scale) {
        return uncond.add(cond.sub(uncond).mul(scale));
    }
}
