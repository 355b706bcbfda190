package io.hunyuan4j.text;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.config.Limits;

/**
 * transformers {@code CLIPVisionConfig}, the {@code vision_config} of a LLaVA checkpoint (HunyuanVideo-I2V: CLIP
 * ViT-L/14 at 336 pixels: hidden 1024, 24 layers, 16 heads, patch 14).
 *
 * @param hiddenSize {@code hidden_size}
 * @param intermediateSize {@code intermediate_size}
 * @param numHiddenLayers {@code num_hidden_layers}
 * @param numAttentionHeads {@code num_attention_heads}
 * @param imageSize {@code image_size}
 * @param patchSize {@code patch_size}
 * @param numChannels {@code num_channels}
 * @param hiddenAct {@code hidden_act}
 * @param layerNormEps {@code layer_norm_eps}
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/clip/configuration_clip.py">transformers CLIPVisionConfig</a>
 */
public record ClipVisionConfig(int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
        int imageSize, int patchSize, int numChannels, ClipConfig.HiddenAct hiddenAct, float layerNormEps) {

    /** Checks the bounds and that the patches tile the image. */
    public ClipVisionConfig {
        Limits.require("image_size", imageSize, 1, Limits.MAX_WIDTH);
        Limits.require("patch_size", patchSize, 1, imageSize);
        Limits.require("num_channels", numChannels, 1, 4);
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("image_size " + imageSize + " must be a multiple of patch_size "
                    + patchSize);
        }
        encoderConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, 2, hiddenAct, layerNormEps);
    }

    /** Patches per side times patches per side. */
    public int numPatches() {
        return (imageSize / patchSize) * (imageSize / patchSize);
    }

    /** {@code num_patches + 1}: the class token first. */
    public int numPositions() {
        return numPatches() + 1;
    }

    /** The encoder layers' view (they are the text tower's {@link ClipEncoderLayer}s, unmasked). */
    ClipConfig encoderConfig() {
        return encoderConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numPositions(),
                hiddenAct, layerNormEps);
    }

    private static ClipConfig encoderConfig(int hidden, int intermediate, int layers, int heads, int positions,
            ClipConfig.HiddenAct act, float eps) {
        // vocabulary and eos are the text tower's; one dummy token keeps the record's checks satisfied
        return new ClipConfig(1, hidden, intermediate, layers, heads, positions, act, eps, 0);
    }

    /**
     * Reads a {@code vision_config} object with transformers' defaults.
     *
     * @throws ConfigException naming the key, for a wrong type, a value out of bounds or an unsupported activation
     */
    public static ClipVisionConfig fromJson(JsonConfig j) {
        String act = j.getString("hidden_act", "quick_gelu");
        ClipConfig.HiddenAct a = switch (act) {
            case "quick_gelu" -> ClipConfig.HiddenAct.QUICK_GELU;
            case "gelu" -> ClipConfig.HiddenAct.GELU;
            default -> throw new ConfigException(j.source() + ": hidden_act must be quick_gelu or gelu but is \""
                    + act + "\"");
        };
        try {
            return new ClipVisionConfig(j.getInt("hidden_size", 768), j.getInt("intermediate_size", 3072),
                    j.getInt("num_hidden_layers", 12), j.getInt("num_attention_heads", 12),
                    j.getInt("image_size", 224), j.getInt("patch_size", 32), j.getInt("num_channels", 3), a,
                    j.getFloat("layer_norm_eps", 1e-5f));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }
}
