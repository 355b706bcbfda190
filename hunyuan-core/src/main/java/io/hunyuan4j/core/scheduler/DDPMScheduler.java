package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.ops.F;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code DDPMScheduler} (HunyuanDiT's): ancestral sampling with the posterior mean of
 * {@code x_{t_prev}} given the predicted x0, plus {@code std_t * noise} at every step with {@code t > 0}. The
 * previous timestep is the next one of the schedule (1.0 for {@code alphas_cumprod} after the last). The noise is
 * an argument (the recorded draws of the pipeline's generator, or the caller's Gaussian noise).
 *
 * <p>Scalar coefficients are computed in float32 in the order of the reference's 0-d tensor arithmetic; the
 * element-wise part runs in float32 ({@code step()} upcasts a bf16 model output).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/schedulers/scheduling_ddpm.py">diffusers DDPMScheduler</a>
 */
public final class DDPMScheduler implements DiscreteTimestepScheduler {

    private final DDPMSchedulerConfig config;
    private final float[] alphasCumprod;

    /** Precomputes {@code betas} and {@code alphas_cumprod}. */
    public DDPMScheduler(DDPMSchedulerConfig config) {
        this.config = config;
        this.alphasCumprod = config.alphasCumprod();
    }

    /** The config. */
    public DDPMSchedulerConfig config() {
        return config;
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
        return "ddpm";
    }

    /** {@code previous_timestep}: the next timestep of the schedule, -1 after the last. */
    static int previousTimestep(DiscreteSchedule schedule, int index) {
        return index + 1 < schedule.size() ? schedule.timestep(index + 1) : -1;
    }

    /** Noise is added at every step whose timestep is above 0. */
    @Override
    public boolean needsNoise(DiscreteSchedule schedule, int index) {
        return schedule.timestep(index) > 0;
    }

    /**
     * The standard deviation of the noise added at step {@code index} ({@code _get_variance} for the configured
     * variance type, then its square root; the log variant exponentiates half the log).
     */
    public float std(DiscreteSchedule schedule, int index) {
        int t = schedule.timestep(index);
        int prevT = previousTimestep(schedule, index);
        float alphaProdT = alphasCumprod[t];
        float alphaProdTPrev = prevT >= 0 ? alphasCumprod[prevT] : 1.0f;
        float currentBetaT = 1 - alphaProdT / alphaProdTPrev;
        // x_{t-1} ~ N(pred_prev_sample, variance): formula (6) and (7) of the DDPM paper
        float variance = Math.max((1 - alphaProdTPrev) / (1 - alphaProdT) * currentBetaT, 1e-20f);
        return switch (config.varianceType()) {
            case "fixed_small_log" -> (float) Math.exp(0.5f * (float) Math.log(variance));
            case "fixed_large" -> (float) Math.sqrt(currentBetaT);
            default -> (float) Math.sqrt(variance);
        };
    }

    /** {@inheritDoc} */
    @Override
    public DiscreteStepOutput step(DiscreteSchedule schedule, int index, NDArray modelOutput, NDArray sample,
            @Nullable NDArray varianceNoise) {
        Steps.checkShapes(modelOutput, sample, varianceNoise, needsNoise(schedule, index));
        int t = schedule.timestep(index);
        int prevT = previousTimestep(schedule, index);
        // 1. compute alphas, betas
        float alphaProdT = alphasCumprod[t];
        float alphaProdTPrev = prevT >= 0 ? alphasCumprod[prevT] : 1.0f;
        float betaProdT = 1 - alphaProdT;
        float betaProdTPrev = 1 - alphaProdTPrev;
        float currentAlphaT = alphaProdT / alphaProdTPrev;
        float currentBetaT = 1 - currentAlphaT;
        // 4. coefficients of pred_original_sample x_0 and current sample x_t (formula (7))
        float predOriginalSampleCoeff = ((float) Math.sqrt(alphaProdTPrev) * currentBetaT) / betaProdT;
        float currentSampleCoeff = (float) Math.sqrt(currentAlphaT) * betaProdTPrev / betaProdT;
        float std = needsNoise(schedule, index) ? std(schedule, index) : 0f;
        NDManager parent = sample.getManager();
        try (NDManager scope = parent.newSubManager()) {
            scope.tempAttachAll(Steps.distinct(modelOutput, sample, varianceNoise));
            // fp32: diffusers' pipelines step the scheduler on float32 latents
            NDArray out = F.toFloat32(modelOutput);
            // 2. compute predicted original sample from predicted noise ("predicted x_0" of formula (15))
            NDArray predOriginalSample = Steps.predOriginalSample(config, out, sample, alphaProdT, betaProdT);
            // 5. compute predicted previous sample µ_t
            NDArray prev = predOriginalSample.mul(predOriginalSampleCoeff).add(sample.mul(currentSampleCoeff));
            // 6. add noise
            if (varianceNoise != null && std != 0f) {
                prev = prev.add(F.toFloat32(varianceNoise).mul(std));
            }
            prev.attach(parent);
            predOriginalSample.attach(parent);
            return new DiscreteStepOutput(prev, predOriginalSample);
        }
    }
}
