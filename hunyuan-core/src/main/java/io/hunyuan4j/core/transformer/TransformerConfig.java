package io.hunyuan4j.core.transformer;

import io.hunyuan4j.core.api.ImageConditionType;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.config.Limits;
import java.util.Arrays;

/**
 * {@code transformer/config.json} of a diffusers HunyuanVideo checkpoint: the arguments of
 * {@code HunyuanVideoTransformer3DModel.__init__}, one component per key, with the reference defaults.
 *
 * <p>{@code qk_norm} must be {@code "rms_norm"}; {@code image_condition_type} may be null (text-to-video),
 * {@code "latent_concat"} or {@code "token_replace"} (image-to-video).
 *
 * @param inChannels {@code in_channels}
 * @param outChannels {@code out_channels} ({@code out_channels or in_channels})
 * @param numAttentionHeads {@code num_attention_heads}
 * @param attentionHeadDim {@code attention_head_dim}
 * @param numLayers {@code num_layers}: dual-stream blocks
 * @param numSingleLayers {@code num_single_layers}: single-stream blocks
 * @param numRefinerLayers {@code num_refiner_layers}: token-refiner blocks
 * @param mlpRatio {@code mlp_ratio} of the dual/single blocks (not of the refiner)
 * @param patchSize {@code patch_size} (spatial)
 * @param patchSizeT {@code patch_size_t} (temporal)
 * @param qkNorm {@code qk_norm}
 * @param guidanceEmbeds {@code guidance_embeds}
 * @param textEmbedDim {@code text_embed_dim}
 * @param pooledProjectionDim {@code pooled_projection_dim}
 * @param ropeTheta {@code rope_theta}
 * @param ropeAxesDim {@code rope_axes_dim}: RoPE channels for (t, h, w)
 * @param imageConditionType {@code image_condition_type}
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoTransformer3DModel</a>
 */
public record TransformerConfig(int inChannels, int outChannels, int numAttentionHeads, int attentionHeadDim,
        int numLayers, int numSingleLayers, int numRefinerLayers, float mlpRatio, int patchSize, int patchSizeT,
        String qkNorm, boolean guidanceEmbeds, int textEmbedDim, int pooledProjectionDim, float ropeTheta,
        RopeAxesDim ropeAxesDim, ImageConditionType imageConditionType) {

    /** A text-to-video config ({@code image_condition_type = null}). */
    public TransformerConfig(int inChannels, int outChannels, int numAttentionHeads, int attentionHeadDim,
            int numLayers, int numSingleLayers, int numRefinerLayers, float mlpRatio, int patchSize, int patchSizeT,
            String qkNorm, boolean guidanceEmbeds, int textEmbedDim, int pooledProjectionDim, float ropeTheta,
            RopeAxesDim ropeAxesDim) {
        this(inChannels, outChannels, numAttentionHeads, attentionHeadDim, numLayers, numSingleLayers,
                numRefinerLayers, mlpRatio, patchSize, patchSizeT, qkNorm, guidanceEmbeds, textEmbedDim,
                pooledProjectionDim, ropeTheta, ropeAxesDim, ImageConditionType.NONE);
    }

    /** The same config with another {@code image_condition_type}. */
    public TransformerConfig withImageConditionType(ImageConditionType type) {
        return new TransformerConfig(inChannels, outChannels, numAttentionHeads, attentionHeadDim, numLayers,
                numSingleLayers, numRefinerLayers, mlpRatio, patchSize, patchSizeT, qkNorm, guidanceEmbeds,
                textEmbedDim, pooledProjectionDim, ropeTheta, ropeAxesDim, type);
    }

    /** The only {@code qk_norm} implemented (the one HunyuanVideo uses). */
    public static final String RMS_NORM = "rms_norm";

    /**
     * RoPE channels per axis; they must sum to the head dim and each be even.
     *
     * @param t frames axis
     * @param h height axis
     * @param w width axis
     */
    public record RopeAxesDim(int t, int h, int w) {
        /** t + h + w. */
        public int sum() {
            return t + h + w;
        }

        /** Channels of axis {@code i} (0 = t, 1 = h, 2 = w). */
        public int get(int i) {
            return switch (i) {
                case 0 -> t;
                case 1 -> h;
                case 2 -> w;
                default -> throw new IndexOutOfBoundsException("axis " + i);
            };
        }

        @Override
        public String toString() {
            return "[" + t + ", " + h + ", " + w + "]";
        }
    }

    /** Validates the values against the model's structural rules. */
    public TransformerConfig {
        java.util.Objects.requireNonNull(imageConditionType, "imageConditionType");
        // bounds first: everything below and every block list is sized from these (see Limits)
        Limits.require("in_channels", inChannels, 1, Limits.MAX_WIDTH);
        Limits.require("out_channels", outChannels, 1, Limits.MAX_WIDTH);
        Limits.require("num_attention_heads", numAttentionHeads, 1, Limits.MAX_HEADS);
        Limits.require("attention_head_dim", attentionHeadDim, 1, Limits.MAX_HEAD_DIM);
        Limits.require("num_layers", numLayers, 0, Limits.MAX_LAYERS);
        Limits.require("num_single_layers", numSingleLayers, 0, Limits.MAX_LAYERS);
        Limits.require("num_refiner_layers", numRefinerLayers, 0, Limits.MAX_LAYERS);
        Limits.require("patch_size", patchSize, 1, Limits.MAX_PATCH);
        Limits.require("patch_size_t", patchSizeT, 1, Limits.MAX_PATCH);
        Limits.require("text_embed_dim", textEmbedDim, 1, Limits.MAX_WIDTH);
        Limits.require("pooled_projection_dim", pooledProjectionDim, 1, Limits.MAX_WIDTH);
        Limits.requireAbove("mlp_ratio", mlpRatio, 0, Limits.MAX_RATIO);
        Limits.requireAbove("rope_theta", ropeTheta, 0, Float.MAX_VALUE);
        Limits.require("num_attention_heads * attention_head_dim", numAttentionHeads * attentionHeadDim, 1,
                Limits.MAX_WIDTH);
        Limits.require("int(inner_dim * mlp_ratio)", (int) (numAttentionHeads * attentionHeadDim * (double) mlpRatio),
                1, Limits.MAX_FFN_WIDTH);
        if (!RMS_NORM.equals(qkNorm)) {
            throw new IllegalArgumentException("qk_norm '" + qkNorm + "' is not supported; supported: ["
                    + RMS_NORM + "]");
        }
        // each axis first: huge axes could wrap the int sum around to attention_head_dim
        for (int i = 0; i < 3; i++) {
            if (ropeAxesDim.get(i) <= 0 || ropeAxesDim.get(i) % 2 != 0 || ropeAxesDim.get(i) > attentionHeadDim) {
                throw new IllegalArgumentException("rope_axes_dim " + ropeAxesDim
                        + ": every axis must be a positive even number <= attention_head_dim " + attentionHeadDim);
            }
        }
        if (ropeAxesDim.sum() != attentionHeadDim) {
            throw new IllegalArgumentException("rope_axes_dim " + ropeAxesDim + " must sum to attention_head_dim "
                    + attentionHeadDim + " but sums to " + ropeAxesDim.sum());
        }
    }

    /** {@code inner_dim = num_attention_heads * attention_head_dim}. */
    public int innerDim() {
        return numAttentionHeads * attentionHeadDim;
    }

    /** Width of the dual-stream feed-forwards and the single-stream MLP: {@code int(inner_dim * mlp_ratio)}. */
    public int mlpDim() {
        // Python int() truncates toward zero; computed in double like Python's float
        return (int) (innerDim() * (double) mlpRatio);
    }

    /** Channels of {@code proj_out}: {@code patch_size_t * patch_size^2 * out_channels}. */
    public int projOutChannels() {
        return patchSizeT * patchSize * patchSize * outChannels;
    }

    /**
     * Reads a {@code config.json} with diffusers' defaults for absent keys.
     *
     * @throws ConfigException naming the file and the key, for wrong types, values outside {@link Limits} and the
     *     unsupported variants (naming what is supported)
     */
    public static TransformerConfig fromJson(JsonConfig j) {
        String imageConditionValue = j.getStringOrNull("image_condition_type");
        ImageConditionType imageConditionType;
        try {
            imageConditionType = ImageConditionType.fromConfig(imageConditionValue);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
        int inChannels = j.getInt("in_channels", 16);
        // diffusers: out_channels = out_channels or in_channels
        int outChannels = j.json().has("out_channels") && !j.has("out_channels") ? inChannels
                : j.getInt("out_channels", 16);
        if (outChannels == 0) {
            outChannels = inChannels;
        }
        int[] rope = j.getIntArray("rope_axes_dim", 16, 56, 56);
        j.require(rope.length == 3, "rope_axes_dim", "must have 3 entries (t, h, w) but has "
                + Arrays.toString(rope));
        String qkNorm = j.getString("qk_norm", RMS_NORM);
        j.require(RMS_NORM.equals(qkNorm), "qk_norm", "supported: [\"" + RMS_NORM + "\"]");
        try {
            TransformerConfig c = new TransformerConfig(inChannels, outChannels,
                    j.getInt("num_attention_heads", 24), j.getInt("attention_head_dim", 128),
                    j.getInt("num_layers", 20), j.getInt("num_single_layers", 40), j.getInt("num_refiner_layers", 2),
                    j.getFloat("mlp_ratio", 4.0f), j.getInt("patch_size", 2), j.getInt("patch_size_t", 1), qkNorm,
                    j.getBoolean("guidance_embeds", true), j.getInt("text_embed_dim", 4096),
                    j.getInt("pooled_projection_dim", 768), j.getFloat("rope_theta", 256.0f),
                    new RopeAxesDim(rope[0], rope[1], rope[2]), imageConditionType);
            j.logUnread();
            return c;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }

    /** HunyuanVideo 1.0 (13B): the diffusers defaults. */
    public static TransformerConfig hunyuanVideo() {
        return new TransformerConfig(16, 16, 24, 128, 20, 40, 2, 4.0f, 2, 1, RMS_NORM, true, 4096, 768, 256.0f,
                new RopeAxesDim(16, 56, 56));
    }

    /**
     * The diffusers unit-test config ({@code tests/models/transformers/test_models_transformer_hunyuan_video.py}):
     * 2 heads of 10, one block of each kind, patch 1, text dim 16, pooled dim 8, RoPE (2, 4, 4).
     */
    public static TransformerConfig tiny() {
        return new TransformerConfig(4, 4, 2, 10, 1, 1, 1, 4.0f, 1, 1, RMS_NORM, true, 16, 8, 256.0f,
                new RopeAxesDim(2, 4, 4));
    }
}
