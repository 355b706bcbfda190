package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.jspecify.annotations.Nullable;

/**
 * What a CogVideoX scheduler carries from one step of a generation to the next: the previous step's predicted
 * original sample (DPM-Solver++(2M)'s {@code old_pred_original_sample}) and its timestep. One per generation,
 * never shared; it owns a copy of the tensor in its own manager, freed by {@link #close()}.
 */
public final class CogVideoXStepState implements AutoCloseable {

    private final NDManager manager;
    private @Nullable NDArray oldPredOriginalSample;
    private long previousTimestep = -1;

    private CogVideoXStepState(NDManager manager) {
        this.manager = manager;
    }

    /** A fresh state whose tensors live in a sub-manager of {@code parent}. */
    public static CogVideoXStepState create(NDManager parent) {
        return new CogVideoXStepState(parent.newSubManager());
    }

    /** The previous step's x0, or null before the first step. */
    public @Nullable NDArray oldPredOriginalSample() {
        return oldPredOriginalSample;
    }

    /** The previous step's timestep, or -1 before the first step (diffusers' {@code timesteps[i - 1]}). */
    public long previousTimestep() {
        return previousTimestep;
    }

    /** Records this step's x0 (copied) and timestep for the next step, freeing the previous one. */
    void remember(NDArray predOriginalSample, long timestep) {
        NDArray copy = predOriginalSample.duplicate();
        copy.attach(manager);
        NDArray old = oldPredOriginalSample;
        if (old != null) {
            old.close();
        }
        oldPredOriginalSample = copy;
        previousTimestep = timestep;
    }

    /** Frees the remembered tensor. */
    @Override
    public void close() {
        manager.close();
    }
}
