package io.hunyuan4j.core.scheduler;

import io.hunyuan4j.core.config.JsonConfig;

/**
 * {@code scheduler/scheduler_config.json} of a flow-matching scheduler.
 *
 * @param numTrainTimesteps {@code num_train_timesteps} (1000)
 * @param shift {@code shift} (1.0 in diffusers' class; HunyuanVideo ships 7.0)
 */
public record SchedulerConfig(int numTrainTimesteps, float shift) {

    /** Checks the timesteps and the shift. */
    public SchedulerConfig {
        if (numTrainTimesteps < 1) {
            throw new IllegalArgumentException("num_train_timesteps must be >= 1 but is " + numTrainTimesteps);
        }
        if (!(shift > 0) || Float.isInfinite(shift)) {
            throw new IllegalArgumentException("shift must be a finite number > 0 but is " + shift);
        }
    }

    /** Reference defaults with the given shift. */
    public static SchedulerConfig withShift(float shift) {
        return new SchedulerConfig(1000, shift);
    }

    /**
     * Reads the config, rejecting options this scheduler does not implement rather than ignoring them.
     */
    public static SchedulerConfig fromJson(JsonConfig j) {
        int t = j.getInt("num_train_timesteps", 1000);
        float shift = j.getFloat("shift", 1.0f);
        j.require(!j.getBoolean("use_dynamic_shifting", false), "use_dynamic_shifting",
                "dynamic shifting is not supported; supported: false");
        j.require(!j.getBoolean("use_karras_sigmas", false), "use_karras_sigmas", "supported: false");
        j.require(!j.getBoolean("use_exponential_sigmas", false), "use_exponential_sigmas", "supported: false");
        j.require(!j.getBoolean("use_beta_sigmas", false), "use_beta_sigmas", "supported: false");
        j.require(!j.getBoolean("invert_sigmas", false), "invert_sigmas", "supported: false");
        j.require(!j.getBoolean("stochastic_sampling", false), "stochastic_sampling", "supported: false");
        j.require(!j.has("shift_terminal"), "shift_terminal",
                "supported: null");
        j.getStringOrNull("shift_terminal");
        j.getFloat("base_shift", 0.5f);
        j.getFloat("max_shift", 1.15f);
        j.getInt("base_image_seq_len", 256);
        j.getInt("max_image_seq_len", 4096);
        j.getString("time_shift_type", "exponential");
        j.logUnread();
        try {
            return new SchedulerConfig(t, shift);
        } catch (IllegalArgumentException e) {
            throw new io.hunyuan4j.core.config.ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }
}
