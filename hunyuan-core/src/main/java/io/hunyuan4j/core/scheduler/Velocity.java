package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;

/** The model as a sampler sees it: the predicted flow velocity at a sample and timestep. */
@FunctionalInterface
public interface Velocity {

    /**
     * @param sample latents [B, C, F, H, W], float32
     * @param timestep {@code sigma * num_train_timesteps}
     * @return the velocity, same shape as {@code sample}
     */
    NDArray at(NDArray sample, float timestep);
}
