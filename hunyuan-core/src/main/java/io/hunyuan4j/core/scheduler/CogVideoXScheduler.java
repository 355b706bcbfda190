package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * CogVideoX's discrete-time, v-prediction samplers ({@link CogVideoXDDIMScheduler}, {@link CogVideoXDPMScheduler}):
 * integer timesteps from {@link #timesteps}, a step per model evaluation. The instance is immutable; what a
 * multistep method carries between steps lives in a per-generation {@link CogVideoXStepState}, and stochastic
 * steps draw from a per-generation {@link SchedulerNoise}. (Not the flow-matching {@link Scheduler}.)
 */
public sealed interface CogVideoXScheduler permits CogVideoXDDIMScheduler, CogVideoXDPMScheduler {

    /**
     * A step's two results, diffusers' {@code (prev_sample, pred_original_sample)}.
     *
     * @param prevSample the latents at the previous (less noisy) timestep, float32
     * @param predOriginalSample the predicted x0, float32
     */
    record StepOutput(NDArray prevSample, NDArray predOriginalSample) { }

    /** {@code set_timesteps(N)}: the N integer timesteps, descending. */
    long[] timesteps(int numInferenceSteps);

    /**
     * One step, diffusers' {@code step(model_output, timestep, sample)} (DPM: with the state's previous x0 and
     * timestep).
     *
     * @param state the generation's state (updated)
     * @param numInferenceSteps N, for {@code prev_timestep = t - T // N}
     * @param timestep the integer timestep t
     * @param modelOutput the (guided) model prediction, float32
     * @param sample the current latents, float32
     * @param noise the generation's noise source (DPM draws from it in every step)
     * @return both results, in {@code sample}'s manager
     */
    StepOutput step(CogVideoXStepState state, int numInferenceSteps, long timestep, NDArray modelOutput,
            NDArray sample, SchedulerNoise noise);

    /** The noise levels. */
    CogVideoXBetaSchedule betas();

    /** Whether {@link #step} draws noise. */
    boolean stochastic();

    /** A short name, e.g. {@code cogvideox-ddim}. */
    String name();

    /** The defining parameters, for provenance. */
    Map<String, String> parameters();

    /**
     * {@code x0} for the configured prediction type, in float32 with float64 coefficients rounded to float32 (a
     * float64 0-dim tensor times a float32 tensor in torch).
     */
    static NDArray predOriginalSample(String predictionType, double alphaProdT, NDArray modelOutput, NDArray sample) {
        double betaProdT = 1 - alphaProdT;
        return switch (predictionType) {
            case "v_prediction" -> sample.mul((float) Math.sqrt(alphaProdT))
                    .sub(modelOutput.mul((float) Math.sqrt(betaProdT)));
            case "epsilon" -> sample.sub(modelOutput.mul((float) Math.sqrt(betaProdT)))
                    .div((float) Math.sqrt(alphaProdT));
            case "sample" -> modelOutput.duplicate();
            default -> throw new IllegalArgumentException("prediction_type " + predictionType);
        };
    }
}
