package io.hunyuan4j.core.scheduler;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import java.util.List;
import java.util.Locale;

/**
 * {@code scheduler/scheduler_config.json} of CogVideoX's discrete-time schedulers
 * ({@code CogVideoXDDIMScheduler}, {@code CogVideoXDPMScheduler}: the same arguments).
 *
 * @param numTrainTimesteps {@code num_train_timesteps}
 * @param betaStart {@code beta_start}
 * @param betaEnd {@code beta_end}
 * @param betaSchedule {@code beta_schedule}: {@code scaled_linear} (float64, the published configs) or
 *     {@code linear} (float32, as diffusers)
 * @param setAlphaToOne {@code set_alpha_to_one}: the "previous" alpha past the end is 1, else alphas_cumprod[0]
 * @param stepsOffset {@code steps_offset} (leading spacing only)
 * @param predictionType {@code prediction_type}: {@code epsilon}, {@code sample} or {@code v_prediction}
 * @param timestepSpacing {@code timestep_spacing}: {@code linspace}, {@code leading} or {@code trailing}
 * @param rescaleBetasZeroSnr {@code rescale_betas_zero_snr}
 * @param snrShiftScale {@code snr_shift_scale} (CogVideoX: 3.0 for 2B, 1.0 for 5B)
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/schedulers/scheduling_ddim_cogvideox.py">diffusers CogVideoXDDIMScheduler</a>
 */
public record CogVideoXSchedulerConfig(int numTrainTimesteps, double betaStart, double betaEnd, String betaSchedule,
        boolean setAlphaToOne, int stepsOffset, String predictionType, String timestepSpacing,
        boolean rescaleBetasZeroSnr, double snrShiftScale) {

    /** The supported {@code beta_schedule} values. */
    public static final List<String> BETA_SCHEDULES = List.of("scaled_linear", "linear");
    /** The supported {@code prediction_type} values. */
    public static final List<String> PREDICTION_TYPES = List.of("v_prediction", "epsilon", "sample");
    /** The supported {@code timestep_spacing} values. */
    public static final List<String> SPACINGS = List.of("trailing", "leading", "linspace");

    /** Validates ranges and the supported variants. */
    public CogVideoXSchedulerConfig {
        if (numTrainTimesteps < 2 || numTrainTimesteps > 1_000_000) {
            throw new IllegalArgumentException("num_train_timesteps must be in [2, 1000000] but is "
                    + numTrainTimesteps);
        }
        if (!(betaStart > 0 && betaStart < 1) || !(betaEnd > 0 && betaEnd < 1)) {
            throw new IllegalArgumentException("beta_start and beta_end must be in (0, 1) but are " + betaStart
                    + ", " + betaEnd);
        }
        if (!(snrShiftScale > 0) || Double.isInfinite(snrShiftScale)) {
            throw new IllegalArgumentException("snr_shift_scale must be a finite number > 0 but is " + snrShiftScale);
        }
        if (stepsOffset < 0 || stepsOffset >= numTrainTimesteps) {
            throw new IllegalArgumentException("steps_offset must be in [0, num_train_timesteps) but is "
                    + stepsOffset);
        }
        requireOneOf("beta_schedule", betaSchedule, BETA_SCHEDULES);
        requireOneOf("prediction_type", predictionType, PREDICTION_TYPES);
        requireOneOf("timestep_spacing", timestepSpacing, SPACINGS);
    }

    private static void requireOneOf(String key, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException(key + " '" + value + "' is not supported; supported: " + allowed);
        }
    }

    /** The published CogVideoX configuration with the given {@code snr_shift_scale}. */
    public static CogVideoXSchedulerConfig cogVideoX(double snrShiftScale) {
        return new CogVideoXSchedulerConfig(1000, 0.00085, 0.012, "scaled_linear", true, 0, "v_prediction",
                "trailing", true, snrShiftScale);
    }

    /**
     * Reads the config with diffusers' defaults.
     *
     * @throws ConfigException naming the file and key for an unsupported or invalid value
     */
    public static CogVideoXSchedulerConfig fromJson(JsonConfig j) {
        j.require(!j.has("trained_betas"), "trained_betas", "supported: null");
        j.getStringOrNull("trained_betas");
        // the CogVideoX step() never clips: these keys exist in the config but have no effect
        j.getBoolean("clip_sample", true);
        j.getDouble("clip_sample_range", 1.0);
        j.getDouble("sample_max_value", 1.0);
        try {
            CogVideoXSchedulerConfig c = new CogVideoXSchedulerConfig(j.getInt("num_train_timesteps", 1000),
                    j.getDouble("beta_start", 0.00085), j.getDouble("beta_end", 0.0120),
                    j.getString("beta_schedule", "scaled_linear"), j.getBoolean("set_alpha_to_one", true),
                    j.getInt("steps_offset", 0), j.getString("prediction_type", "epsilon"),
                    j.getString("timestep_spacing", "leading"), j.getBoolean("rescale_betas_zero_snr", false),
                    j.getDouble("snr_shift_scale", 3.0));
            j.logUnread();
            return c;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s(%s, snr_shift_scale=%s, %s, zero_snr=%s)", betaSchedule,
                predictionType, snrShiftScale, timestepSpacing, rescaleBetasZeroSnr);
    }
}
