package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * diffusers {@code CogVideoXDDIMScheduler} (eta 0, deterministic): {@code x0} from the prediction, then
 * {@code x_prev = c_x * x + c_0 * x0} with {@code c_x = sqrt((1 - a_prev) / (1 - a_t))},
 * {@code c_0 = sqrt(a_prev) - sqrt(a_t) * c_x}, coefficients in float64 rounded to float32, arithmetic in float32.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/schedulers/scheduling_ddim_cogvideox.py">diffusers CogVideoXDDIMScheduler</a>
 */
public final class CogVideoXDDIMScheduler implements CogVideoXScheduler {

    private final CogVideoXBetaSchedule betas;

    /** Builds the noise levels of {@code config}. */
    public CogVideoXDDIMScheduler(CogVideoXSchedulerConfig config) {
        this.betas = new CogVideoXBetaSchedule(config);
    }

    /** {@inheritDoc} */
    @Override
    public long[] timesteps(int numInferenceSteps) {
        return betas.timesteps(numInferenceSteps);
    }

    /** {@inheritDoc} The state and noise are not used. */
    @Override
    public StepOutput step(CogVideoXStepState state, int numInferenceSteps, long timestep, NDArray modelOutput,
            NDArray sample, SchedulerNoise noise) {
        // 1. get previous step value (=t-1)
        long prevTimestep = betas.prevTimestep(timestep, numInferenceSteps);
        // 2. compute alphas, betas
        double alphaProdT = betas.alphaProd(timestep);
        double alphaProdTPrev = betas.alphaProdPrev(prevTimestep);
        // 3. compute predicted original sample from predicted noise also called "predicted x_0"
        NDArray x0 = CogVideoXScheduler.predOriginalSample(betas.config().predictionType(), alphaProdT, modelOutput,
                sample);
        // 4. x_prev = a_t * x + b_t * x0
        double aT = Math.sqrt((1 - alphaProdTPrev) / (1 - alphaProdT));
        double bT = Math.sqrt(alphaProdTPrev) - Math.sqrt(alphaProdT) * aT;
        NDArray prev = sample.mul((float) aT).add(x0.mul((float) bT));
        return new StepOutput(prev, x0);
    }

    /** {@inheritDoc} */
    @Override
    public CogVideoXBetaSchedule betas() {
        return betas;
    }

    /** DDIM with eta 0 draws nothing. */
    @Override
    public boolean stochastic() {
        return false;
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "cogvideox-ddim";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, String> parameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("config", betas.config().toString());
        return m;
    }
}
