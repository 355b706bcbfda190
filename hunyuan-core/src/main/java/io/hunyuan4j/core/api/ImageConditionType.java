package io.hunyuan4j.core.api;

import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code HunyuanVideoTransformer3DModel(image_condition_type=...)}: how an image-to-video checkpoint
 * sees its conditioning image.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoTransformer3DModel</a>
 */
public enum ImageConditionType {
    /** {@code null}: text-to-video, no image. */
    NONE(null),
    /**
     * {@code "latent_concat"} (HunyuanVideo-I2V-33ch): the image latent and a first-frame mask are concatenated to
     * the noisy latents on the channel axis ({@code in_channels = 2 * out_channels + 1}).
     */
    LATENT_CONCAT("latent_concat"),
    /**
     * {@code "token_replace"} (HunyuanVideo-I2V): the first latent frame is the clean image latent, and its tokens
     * are modulated by an embedding of timestep 0 ({@code token_replace_emb}) in every block.
     */
    TOKEN_REPLACE("token_replace");

    private final @Nullable String configValue;

    ImageConditionType(@Nullable String configValue) {
        this.configValue = configValue;
    }

    /** The {@code config.json} value; null for {@link #NONE}. */
    public @Nullable String configValue() {
        return configValue;
    }

    /**
     * The constant for a {@code config.json} value.
     *
     * @throws IllegalArgumentException for another value, naming the supported ones (as diffusers does)
     */
    public static ImageConditionType fromConfig(@Nullable String value) {
        for (ImageConditionType t : values()) {
            if (java.util.Objects.equals(t.configValue, value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("Invalid `image_condition_type` (" + value
                + "). Supported ones are: [null, \"latent_concat\", \"token_replace\"]");
    }
}
