package io.hunyuan4j.core.scheduler;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.config.Limits;
import java.util.List;
import java.util.Locale;

/**
 * {@code scheduler/scheduler_config.json} of diffusers' discrete-timestep DDPM family, the config
 * {@link DDPMScheduler} and {@link DDIMScheduler} are built from (diffusers builds a DDIM scheduler from a DDPM
 * config with {@code DDIMScheduler.from_config}). Options these ports do not implement are rejected, not ignored:
 * {@code trained_betas}, {@code thresholding}, {@code rescale_betas_zero_snr}, the sigmoid/laplace beta schedules,
 * the learned variance types.
 *
 * @param numTrainTimesteps {@code num_train_timesteps}
 * @param betaStart {@code beta_start}
 * @param betaEnd {@code beta_end}
 * @param betaSchedule {@code beta_schedule}: {@code linear}, {@code scaled_linear} or {@code squaredcos_cap_v2}
 * @param predictionType {@code prediction_type}: {@code epsilon}, {@code sample} or {@code v_prediction}
 * @param varianceType DDPM's {@code variance_type}: {@code fixed_small}, {@code fixed_small_log} or
 *     {@code fixed_large}
 * @param clipSample {@code clip_sample}
 * @param clipSampleRange {@code clip_sample_range}
 * @param timestepSpacing {@code timestep_spacing}: {@code leading}, {@code trailing} or {@code linspace}
 * @param stepsOffset {@code steps_offset}
 * @param setAlphaToOne DDIM's {@code set_alpha_to_one}
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/schedulers/scheduling_ddpm.py">diffusers DDPMScheduler</a>
 */
public record DDPMSchedulerConfig(int numTrainTimesteps, float betaStart, float betaEnd, String betaSchedule,
        String predictionType, String varianceType, boolean clipSample, float clipSampleRange,
        String timestepSpacing, int stepsOffset, boolean setAlphaToOne) {

    /** The implemented {@code beta_schedule} values. */
    public static final List<String> BETA_SCHEDULES = List.of("linear", "scaled_linear", "squaredcos_cap_v2");
    /** The implemented {@code prediction_type} values. */
    public static final List<String> PREDICTION_TYPES = List.of("epsilon", "sample", "v_prediction");
    /** The implemented {@code variance_type} values. */
    public static final List<String> VARIANCE_TYPES = List.of("fixed_small", "fixed_small_log", "fixed_large");
    /** The implemented {@code timestep_spacing} values. */
    public static final List<String> TIMESTEP_SPACINGS = List.of("leading", "trailing", "linspace");

    /** Validates the values. */
    public DDPMSchedulerConfig {
        Limits.require("num_train_timesteps", numTrainTimesteps, 1, Limits.MAX_POSITIONS);
        Limits.require("steps_offset", stepsOffset, 0, numTrainTimesteps - 1);
        oneOf("beta_schedule", betaSchedule, BETA_SCHEDULES);
        oneOf("prediction_type", predictionType, PREDICTION_TYPES);
        oneOf("variance_type", varianceType, VARIANCE_TYPES);
        oneOf("timestep_spacing", timestepSpacing, TIMESTEP_SPACINGS);
        if (!(betaStart > 0 && betaStart < 1 && betaEnd > 0 && betaEnd < 1)) {
            throw new IllegalArgumentException("beta_start and beta_end must be in (0, 1) but are " + betaStart
                    + ", " + betaEnd);
        }
        if (clipSample && !(clipSampleRange > 0)) {
            throw new IllegalArgumentException("clip_sample_range must be > 0 but is " + clipSampleRange);
        }
    }

    private static void oneOf(String key, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException(key + " '" + value + "' is not supported; supported: " + allowed);
        }
    }

    /**
     * HunyuanDiT v1.2's scheduler: scaled_linear 0.00085 to 0.018, v-prediction, fixed_small, leading spacing with
     * offset 1, no clipping, {@code set_alpha_to_one} false.
     */
    public static DDPMSchedulerConfig hunyuanDiT() {
        return new DDPMSchedulerConfig(1000, 0.00085f, 0.018f, "scaled_linear", "v_prediction", "fixed_small", false,
                1.0f, "leading", 1, false);
    }

    /**
     * Reads the config with diffusers' {@code DDPMScheduler} defaults ({@code set_alpha_to_one} with DDIM's default,
     * true), rejecting what is not implemented.
     *
     * @throws ConfigException naming the file and the key
     */
    public static DDPMSchedulerConfig fromJson(JsonConfig j) {
        j.require(!j.has("trained_betas"), "trained_betas", "must be null (trained betas are not supported)");
        j.require(!j.getBoolean("thresholding", false), "thresholding", "must be false (not supported)");
        j.require(!j.getBoolean("rescale_betas_zero_snr", false), "rescale_betas_zero_snr",
                "must be false (not supported)");
        try {
            DDPMSchedulerConfig c = new DDPMSchedulerConfig(j.getInt("num_train_timesteps", 1000),
                    j.getFloat("beta_start", 0.0001f), j.getFloat("beta_end", 0.02f),
                    j.getString("beta_schedule", "linear"),
                    j.getString("prediction_type", "epsilon").toLowerCase(Locale.ROOT),
                    j.getString("variance_type", "fixed_small"), j.getBoolean("clip_sample", true),
                    j.has("clip_sample_range") ? j.getFloat("clip_sample_range", 1.0f) : 1.0f,
                    j.getString("timestep_spacing", "leading"), j.getInt("steps_offset", 0),
                    j.getBoolean("set_alpha_to_one", true));
            j.logUnread();
            return c;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }

    /** {@code betas} [num_train_timesteps] in float32, as diffusers' constructor builds them. */
    public float[] betas() {
        int n = numTrainTimesteps;
        float[] betas = new float[n];
        switch (betaSchedule) {
            case "linear" -> betas = linspace(betaStart, betaEnd, n);
            case "scaled_linear" -> {
                // torch.linspace(beta_start**0.5, beta_end**0.5, n, float32) ** 2; the roots are Python floats
                float[] r = linspace((float) Math.sqrt(betaStart), (float) Math.sqrt(betaEnd), n);
                for (int i = 0; i < n; i++) {
                    betas[i] = r[i] * r[i];
                }
            }
            default -> {
                // squaredcos_cap_v2: betas_for_alpha_bar(n), Python floats, then float32
                for (int i = 0; i < n; i++) {
                    double t1 = (double) i / n;
                    double t2 = (double) (i + 1) / n;
                    betas[i] = (float) Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
                }
            }
        }
        return betas;
    }

    private static double alphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /**
     * {@code alphas_cumprod = cumprod(1 - betas)}: torch's CPU cumprod accumulates float32 factors in double and
     * stores float32.
     */
    public float[] alphasCumprod() {
        float[] betas = betas();
        float[] out = new float[betas.length];
        double acc = 1.0;
        for (int i = 0; i < betas.length; i++) {
            acc *= (1.0f - betas[i]);
            out[i] = (float) acc;
        }
        return out;
    }

    /**
     * The inference timesteps diffusers' {@code set_timesteps(steps)} computes for the configured spacing.
     *
     * @throws IllegalArgumentException unless {@code 1 <= steps <= num_train_timesteps}
     */
    public int[] timesteps(int steps) {
        if (steps < 1 || steps > numTrainTimesteps) {
            throw new IllegalArgumentException("num_inference_steps must be in [1, " + numTrainTimesteps
                    + "] (num_train_timesteps) but is " + steps);
        }
        int[] t = new int[steps];
        switch (timestepSpacing) {
            case "leading" -> {
                int ratio = numTrainTimesteps / steps;
                for (int i = 0; i < steps; i++) {
                    t[i] = (steps - 1 - i) * ratio + stepsOffset;
                }
            }
            case "trailing" -> {
                // np.round(np.arange(n, 0, -n / steps)).astype(int64) - 1
                double ratio = (double) numTrainTimesteps / steps;
                for (int i = 0; i < steps; i++) {
                    t[i] = (int) Math.rint(numTrainTimesteps - i * ratio) - 1;
                }
            }
            default -> {
                // np.linspace(0, n - 1, steps).round()[::-1]
                double step = steps == 1 ? 0 : (double) (numTrainTimesteps - 1) / (steps - 1);
                for (int i = 0; i < steps; i++) {
                    double v = i == steps - 1 && steps > 1 ? numTrainTimesteps - 1 : i * step;
                    t[steps - 1 - i] = (int) Math.rint(v);
                }
            }
        }
        return t;
    }

    /** torch's CPU float32 {@code linspace}: from the start for the first half, from the end for the rest. */
    static float[] linspace(float start, float end, int steps) {
        float[] out = new float[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        for (int i = 0; i < steps; i++) {
            out[i] = i < halfway ? start + step * i : end - step * (steps - i - 1);
        }
        return out;
    }
}
