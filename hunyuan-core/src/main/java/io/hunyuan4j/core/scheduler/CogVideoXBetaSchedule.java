package io.hunyuan4j.core.scheduler;

import java.util.Arrays;

/**
 * The training noise levels both CogVideoX schedulers share, in the reference's precision: betas
 * ({@code scaled_linear}: {@code linspace(sqrt(start), sqrt(end), T, float64)^2}), {@code alphas_cumprod}
 * (float64 cumulative product), the SD3-style SNR shift {@code a / (s + (1 - s) a)}, the zero-terminal-SNR rescale
 * (last entry exactly 0), and {@code set_timesteps}' integer timesteps. Immutable.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/schedulers/scheduling_ddim_cogvideox.py">diffusers CogVideoXDDIMScheduler.__init__, set_timesteps</a>
 */
public final class CogVideoXBetaSchedule {

    private final CogVideoXSchedulerConfig config;
    private final double[] alphasCumprod;
    private final double finalAlphaCumprod;

    /** Computes {@code alphas_cumprod} for {@code config}. */
    public CogVideoXBetaSchedule(CogVideoXSchedulerConfig config) {
        this.config = config;
        int n = config.numTrainTimesteps();
        double[] a = new double[n];
        if (config.betaSchedule().equals("scaled_linear")) {
            double[] sq = torchLinspace(Math.sqrt(config.betaStart()), Math.sqrt(config.betaEnd()), n);
            double prod = 1.0;
            for (int i = 0; i < n; i++) {
                prod *= 1.0 - sq[i] * sq[i];
                a[i] = prod;
            }
        } else {
            // "linear": diffusers builds float32 betas, so alphas_cumprod is float32 arithmetic
            float start = (float) config.betaStart();
            float step = ((float) config.betaEnd() - start) / (n - 1);
            float prod = 1f;
            for (int i = 0; i < n; i++) {
                float beta = i < n / 2 ? start + step * i : (float) config.betaEnd() - step * (n - i - 1);
                prod *= 1f - beta;
                a[i] = prod;
            }
        }
        double s = config.snrShiftScale();
        for (int i = 0; i < n; i++) {
            a[i] = a[i] / (s + (1 - s) * a[i]);
        }
        if (config.rescaleBetasZeroSnr()) {
            rescaleZeroTerminalSnr(a);
        }
        this.alphasCumprod = a;
        this.finalAlphaCumprod = config.setAlphaToOne() ? 1.0 : a[0];
    }

    /** {@code rescale_zero_terminal_snr} on alphas_cumprod, in place: shift sqrt(a) so the last is 0, rescale. */
    private static void rescaleZeroTerminalSnr(double[] a) {
        int n = a.length;
        double[] sq = new double[n];
        for (int i = 0; i < n; i++) {
            sq[i] = Math.sqrt(a[i]);
        }
        double first = sq[0];
        double last = sq[n - 1];
        double scale = first / (first - last);
        for (int i = 0; i < n; i++) {
            double v = (sq[i] - last) * scale;
            a[i] = v * v;
        }
    }

    /** {@code torch.linspace(start, end, steps)} in float64: the second half is counted back from {@code end}. */
    static double[] torchLinspace(double start, double end, int steps) {
        double[] out = new double[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        double step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        for (int i = 0; i < steps; i++) {
            out[i] = i < halfway ? start + step * i : end - step * (steps - i - 1);
        }
        return out;
    }

    /** The config. */
    public CogVideoXSchedulerConfig config() {
        return config;
    }

    /** {@code alphas_cumprod} [num_train_timesteps], float64 (a copy). */
    public double[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** {@code final_alpha_cumprod}: 1.0 with {@code set_alpha_to_one}, else {@code alphas_cumprod[0]}. */
    public double finalAlphaCumprod() {
        return finalAlphaCumprod;
    }

    /**
     * {@code alphas_cumprod[t]}.
     *
     * @throws IllegalArgumentException if t is outside [0, num_train_timesteps)
     */
    public double alphaProd(long t) {
        if (t < 0 || t >= alphasCumprod.length) {
            throw new IllegalArgumentException("timestep " + t + " outside [0, " + alphasCumprod.length + ")");
        }
        return alphasCumprod[(int) t];
    }

    /** {@code alphas_cumprod[prev]} if {@code prev >= 0}, else {@code final_alpha_cumprod}. */
    public double alphaProdPrev(long prev) {
        return prev >= 0 ? alphaProd(prev) : finalAlphaCumprod;
    }

    /**
     * {@code prev_timestep = t - num_train_timesteps // N}: NOT the next schedule entry when N does not divide
     * num_train_timesteps.
     */
    public long prevTimestep(long t, int numInferenceSteps) {
        return t - config.numTrainTimesteps() / numInferenceSteps;
    }

    /**
     * {@code set_timesteps(N)} with the config's spacing.
     *
     * @throws IllegalArgumentException if N is not in [1, num_train_timesteps]
     */
    public long[] timesteps(int numInferenceSteps) {
        return timesteps(numInferenceSteps, config.timestepSpacing());
    }

    /**
     * {@code set_timesteps(N)} with the given spacing ({@code linspace}, {@code leading}, {@code trailing}).
     *
     * @throws IllegalArgumentException if N is not in [1, num_train_timesteps] or the spacing is unknown
     */
    public long[] timesteps(int numInferenceSteps, String spacing) {
        int total = config.numTrainTimesteps();
        if (numInferenceSteps < 1 || numInferenceSteps > total) {
            throw new IllegalArgumentException("num_inference_steps must be in [1, " + total + "] (the scheduler's"
                    + " num_train_timesteps) but is " + numInferenceSteps);
        }
        int n = numInferenceSteps;
        return switch (spacing) {
            case "linspace" -> {
                // np.linspace(0, T - 1, N).round()[::-1]
                long[] t = new long[n];
                double step = n > 1 ? (total - 1) / (double) (n - 1) : 0;
                for (int i = 0; i < n; i++) {
                    double v = i == n - 1 && n > 1 ? total - 1 : i * step;
                    t[n - 1 - i] = (long) Math.rint(v);
                }
                yield t;
            }
            case "leading" -> {
                long ratio = total / n;
                long[] t = new long[n];
                for (int i = 0; i < n; i++) {
                    t[n - 1 - i] = i * ratio + config.stepsOffset();
                }
                yield t;
            }
            case "trailing" -> {
                // np.round(np.arange(T, 0, -T / N)) - 1; numpy fills start + i * (x[1] - x[0])
                double delta = -(total / (double) n);
                int len = (int) Math.ceil((0 - total) / delta);
                double d = (total + delta) - total;
                long[] t = new long[len];
                for (int i = 0; i < len; i++) {
                    double v = i == 0 ? total : i == 1 ? total + delta : total + i * d;
                    t[i] = (long) Math.rint(v) - 1;
                }
                yield t;
            }
            default -> throw new IllegalArgumentException("timestep_spacing '" + spacing + "' is not supported;"
                    + " supported: " + CogVideoXSchedulerConfig.SPACINGS);
        };
    }

    @Override
    public String toString() {
        return "CogVideoXBetaSchedule" + config + Arrays.toString(new double[] {alphasCumprod[0],
            alphasCumprod[alphasCumprod.length - 1]});
    }
}
