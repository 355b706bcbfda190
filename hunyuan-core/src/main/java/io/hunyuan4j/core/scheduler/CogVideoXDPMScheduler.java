package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code CogVideoXDPMScheduler}: a DPM-Solver++(2M) SDE variant, stochastic whatever {@code eta} is.
 * Every step draws one noise tensor; a step with a previous x0 (and {@code prev_timestep >= 0}) uses the
 * second-order update and draws a SECOND tensor, the first being discarded (it still advances the generator).
 * Coefficients are float64 (the zero-SNR endpoint gives infinities that IEEE arithmetic resolves to finite
 * multipliers), rounded to float32 for the float32 arithmetic.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/schedulers/scheduling_dpm_cogvideox.py">diffusers CogVideoXDPMScheduler</a>
 */
public final class CogVideoXDPMScheduler implements CogVideoXScheduler {

    /**
     * {@code get_variables} and {@code get_mult} of one step, float64; NaN where not defined (r, mult3, mult4
     * without a previous step).
     *
     * @param h {@code lamb_next - lamb}
     * @param r {@code (lamb - lamb_back) / h}
     * @param lamb {@code log(sqrt(a_t / (1 - a_t)))}
     * @param lambNext the same for a_prev
     * @param mult1 {@code sqrt((1 - a_prev) / (1 - a_t)) * exp(-h)}
     * @param mult2 {@code expm1(-2h) * sqrt(a_prev)}
     * @param mult3 {@code 1 + 1 / (2r)}
     * @param mult4 {@code 1 / (2r)}
     * @param multNoise {@code sqrt(1 - a_prev) * sqrt(1 - exp(-2h))}
     */
    public record Coefficients(double h, double r, double lamb, double lambNext, double mult1, double mult2,
            double mult3, double mult4, double multNoise) { }

    private final CogVideoXBetaSchedule betas;

    /** Builds the noise levels of {@code config}. */
    public CogVideoXDPMScheduler(CogVideoXSchedulerConfig config) {
        this.betas = new CogVideoXBetaSchedule(config);
    }

    /** {@inheritDoc} */
    @Override
    public long[] timesteps(int numInferenceSteps) {
        return betas.timesteps(numInferenceSteps);
    }

    /**
     * The coefficients of a step from {@code alphaProdT} to {@code alphaProdTPrev}, with the previous step's
     * {@code alphaProdTBack} (or null).
     */
    public static Coefficients coefficients(double alphaProdT, double alphaProdTPrev, @Nullable Double alphaProdTBack) {
        double lamb = Math.log(Math.sqrt(alphaProdT / (1 - alphaProdT)));
        double lambNext = Math.log(Math.sqrt(alphaProdTPrev / (1 - alphaProdTPrev)));
        double h = lambNext - lamb;
        double r = Double.NaN;
        double mult3 = Double.NaN;
        double mult4 = Double.NaN;
        if (alphaProdTBack != null) {
            double lambPrevious = Math.log(Math.sqrt(alphaProdTBack / (1 - alphaProdTBack)));
            double hLast = lamb - lambPrevious;
            r = hLast / h;
            mult3 = 1 + 1 / (2 * r);
            mult4 = 1 / (2 * r);
        }
        double mult1 = Math.sqrt((1 - alphaProdTPrev) / (1 - alphaProdT)) * Math.exp(-h);
        double mult2 = Math.expm1(-2 * h) * Math.sqrt(alphaProdTPrev);
        double multNoise = Math.sqrt(1 - alphaProdTPrev) * Math.sqrt(1 - Math.exp(-2 * h));
        return new Coefficients(h, r, lamb, lambNext, mult1, mult2, mult3, mult4, multNoise);
    }

    /**
     * The coefficients {@link #step} uses for {@code timestep} after {@code timestepBack} (-1 for none).
     */
    public Coefficients coefficients(int numInferenceSteps, long timestep, long timestepBack) {
        long prev = betas.prevTimestep(timestep, numInferenceSteps);
        return coefficients(betas.alphaProd(timestep), betas.alphaProdPrev(prev),
                timestepBack >= 0 ? betas.alphaProd(timestepBack) : null);
    }

    /** {@inheritDoc} Reads and updates the state's previous x0 and timestep; draws one or two noise tensors. */
    @Override
    public StepOutput step(CogVideoXStepState state, int numInferenceSteps, long timestep, NDArray modelOutput,
            NDArray sample, SchedulerNoise noise) {
        long prevTimestep = betas.prevTimestep(timestep, numInferenceSteps);
        long timestepBack = state.previousTimestep();
        double alphaProdT = betas.alphaProd(timestep);
        NDArray x0 = CogVideoXScheduler.predOriginalSample(betas.config().predictionType(), alphaProdT, modelOutput,
                sample);
        Coefficients c = coefficients(numInferenceSteps, timestep, timestepBack);
        NDArray first = noise.randn(sample.getShape(), sample.getManager());
        NDArray old = state.oldPredOriginalSample();
        NDArray prev;
        if (old == null || prevTimestep < 0) {
            prev = sample.mul((float) c.mult1()).sub(x0.mul((float) c.mult2())).add(first.mul((float) c.multNoise()));
        } else {
            // the first draw is discarded; the second-order update uses a fresh one
            NDArray denoisedD = x0.mul((float) c.mult3()).sub(old.mul((float) c.mult4()));
            NDArray second = noise.randn(sample.getShape(), sample.getManager());
            prev = sample.mul((float) c.mult1()).sub(denoisedD.mul((float) c.mult2()))
                    .add(second.mul((float) c.multNoise()));
        }
        state.remember(x0, timestep);
        return new StepOutput(prev, x0);
    }

    /** {@inheritDoc} */
    @Override
    public CogVideoXBetaSchedule betas() {
        return betas;
    }

    /** Every step draws noise. */
    @Override
    public boolean stochastic() {
        return true;
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "cogvideox-dpm";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, String> parameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("config", betas.config().toString());
        return m;
    }
}
