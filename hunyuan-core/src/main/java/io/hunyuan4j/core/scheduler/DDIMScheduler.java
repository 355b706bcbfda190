package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.ops.F;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code DDIMScheduler} built from a DDPM config ({@code DDIMScheduler.from_config}): the deterministic
 * DDIM update {@code x_prev = sqrt(a_prev) x0 + sqrt(1 - a_prev - std^2) eps} with {@code std = eta * sigma_t}
 * (eta 0 by default: no noise), {@code a_prev = alphas_cumprod[t - num_train_timesteps // steps]}, or
 * {@code final_alpha_cumprod} (1.0, or {@code alphas_cumprod[0]} when {@code set_alpha_to_one} is false) past the
 * start. {@code use_clipped_model_output} is false.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/schedulers/scheduling_ddim.py">diffusers DDIMScheduler</a>
 */
public final class DDIMScheduler implements DiscreteTimestepScheduler {

    private final DDPMSchedulerConfig config;
    private final float[] alphasCumprod;
    private final float finalAlphaCumprod;
    private final float eta;

    /** With {@code eta} 0, as diffusers' pipelines call it by default. */
    public DDIMScheduler(DDPMSchedulerConfig config) {
        this(config, 0f);
    }

    /**
     * @param eta the weight of the noise, in [0, 1] (0: DDIM; 1: DDPM-like variance)
     */
    public DDIMScheduler(DDPMSchedulerConfig config, float eta) {
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("eta must be in [0, 1] but is " + eta);
        }
        this.config = config;
        this.alphasCumprod = config.alphasCumprod();
        this.finalAlphaCumprod = config.setAlphaToOne() ? 1.0f : alphasCumprod[0];
        this.eta = eta;
    }

    /** {@inheritDoc} */
    @Override
    public DiscreteSchedule schedule(int steps) {
        return new DiscreteSchedule(config.timesteps(steps));
    }

    /** {@inheritDoc} */
    @Override
    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "ddim";
    }

    /** Noise only with {@code eta > 0}. */
    @Override
    public boolean needsNoise(DiscreteSchedule schedule, int index) {
        return eta > 0;
    }

    private float alphaProdPrev(DiscreteSchedule schedule, int index) {
        int prevTimestep = schedule.timestep(index) - config.numTrainTimesteps() / schedule.size();
        return prevTimestep >= 0 ? alphasCumprod[prevTimestep] : finalAlphaCumprod;
    }

    /** {@inheritDoc} */
    @Override
    public DiscreteStepOutput step(DiscreteSchedule schedule, int index, NDArray modelOutput, NDArray sample,
            @Nullable NDArray varianceNoise) {
        Steps.checkShapes(modelOutput, sample, varianceNoise, needsNoise(schedule, index));
        // 2. compute alphas, betas
        float alphaProdT = alphasCumprod[schedule.timestep(index)];
        float alphaProdTPrev = alphaProdPrev(schedule, index);
        float betaProdT = 1 - alphaProdT;
        // 5. compute variance: "sigma_t(eta)" of formula (16)
        float variance = ((1 - alphaProdTPrev) / betaProdT) * (1 - alphaProdT / alphaProdTPrev);
        float stdDevT = eta * (float) Math.sqrt(variance);
        float directionCoeff = (float) Math.sqrt(1 - alphaProdTPrev - stdDevT * stdDevT);
        float sqrtAlphaProdTPrev = (float) Math.sqrt(alphaProdTPrev);
        NDManager parent = sample.getManager();
        try (NDManager scope = parent.newSubManager()) {
            scope.tempAttachAll(Steps.distinct(modelOutput, sample, varianceNoise));
            NDArray out = F.toFloat32(modelOutput);
            // 3. compute predicted original sample and predicted noise ("predicted x_0" of formula (12))
            NDArray predOriginalSample = Steps.predOriginalSample(config, out, sample, alphaProdT, betaProdT);
            NDArray predEpsilon = Steps.predEpsilon(config, out, sample, predOriginalSample, alphaProdT, betaProdT);
            // 6.-7. "direction pointing to x_t" and x_{t-1} without the random noise (formula (12))
            NDArray prev = predOriginalSample.mul(sqrtAlphaProdTPrev).add(predEpsilon.mul(directionCoeff));
            if (varianceNoise != null && stdDevT != 0f) {
                prev = prev.add(F.toFloat32(varianceNoise).mul(stdDevT));
            }
            prev.attach(parent);
            predOriginalSample.attach(parent);
            return new DiscreteStepOutput(prev, predOriginalSample);
        }
    }
}
