package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;

/**
 * diffusers' {@code DDPMSchedulerOutput} / {@code DDIMSchedulerOutput}.
 *
 * @param prevSample the sample at the next (less noisy) timestep, float32
 * @param predOriginalSample the predicted denoised sample x0, float32
 */
public record DiscreteStepOutput(NDArray prevSample, NDArray predOriginalSample) { }
