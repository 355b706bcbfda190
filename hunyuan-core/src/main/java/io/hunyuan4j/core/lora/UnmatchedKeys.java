package io.hunyuan4j.core.lora;

/**
 * What loading a LoRA file does with keys that do not fit the transformer: tensors of no known LoRA layout (e.g.
 * DoRA's {@code dora_scale} / {@code lora_magnitude_vector}) and modules the transformer lacks.
 */
public enum UnmatchedKeys {
    /** Fail with a {@link LoraException} listing every such key (the default). */
    FAIL,
    /**
     * Log a warning listing them and load the rest, as diffusers does for DoRA keys ({@code lora_state_dict}
     * drops {@code dora_scale} with a warning) and PEFT for unexpected keys. Mis-shaped or incomplete modules still
     * fail, and so does a file of which no module matches.
     */
    WARN
}
