package io.hunyuan4j.dit.transformer;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.config.Limits;

/**
 * {@code transformer/config.json} of a diffusers HunyuanDiT checkpoint: the arguments of
 * {@code HunyuanDiT2DModel.__init__}, one component per key, with the reference defaults.
 *
 * <p>Only what diffusers implements is accepted: {@code activation_fn "gelu-approximate"}, {@code norm_type
 * "layer_norm"} (diffusers stores it but builds LayerNorms whatever its value), an even {@code num_layers} (the
 * long skips pair block {@code i} with block {@code num_layers - 1 - i}), and {@code hidden_size ==
 * num_attention_heads * attention_head_dim} (diffusers sizes the patch and condition embedders by the first and
 * the blocks by the second).
 *
 * @param numAttentionHeads {@code num_attention_heads}
 * @param attentionHeadDim {@code attention_head_dim}
 * @param inChannels {@code in_channels}
 * @param patchSize {@code patch_size}
 * @param activationFn {@code activation_fn}
 * @param sampleSize {@code sample_size} (the default latent size: 128 for 1024 px)
 * @param hiddenSize {@code hidden_size}
 * @param numLayers {@code num_layers}
 * @param mlpRatio {@code mlp_ratio}
 * @param learnSigma {@code learn_sigma}: the output has twice the input channels (variance channels appended)
 * @param crossAttentionDim {@code cross_attention_dim}: BERT width
 * @param normType {@code norm_type}
 * @param crossAttentionDimT5 {@code cross_attention_dim_t5}: mT5 width
 * @param pooledProjectionDim {@code pooled_projection_dim}: the attention pooler's output width
 * @param textLen {@code text_len}: BERT tokens (77)
 * @param textLenT5 {@code text_len_t5}: mT5 tokens (256)
 * @param useStyleCondAndImageMetaSize {@code use_style_cond_and_image_meta_size}: true for v1.0/v1.1, false for v1.2
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/hunyuan_transformer_2d.py">diffusers HunyuanDiT2DModel</a>
 */
public record HunyuanDiTConfig(int numAttentionHeads, int attentionHeadDim, int inChannels, int patchSize,
        String activationFn, int sampleSize, int hiddenSize, int numLayers, float mlpRatio, boolean learnSigma,
        int crossAttentionDim, String normType, int crossAttentionDimT5, int pooledProjectionDim, int textLen,
        int textLenT5, boolean useStyleCondAndImageMetaSize) {

    /** The only {@code activation_fn} the published checkpoints use. */
    public static final String GELU_APPROXIMATE = "gelu-approximate";
    /** The only {@code norm_type} diffusers builds. */
    public static final String LAYER_NORM = "layer_norm";

    /** Validates the values against the model's structural rules. */
    public HunyuanDiTConfig {
        Limits.require("num_attention_heads", numAttentionHeads, 1, Limits.MAX_HEADS);
        Limits.require("attention_head_dim", attentionHeadDim, 1, Limits.MAX_HEAD_DIM);
        Limits.require("in_channels", inChannels, 1, Limits.MAX_WIDTH);
        Limits.require("patch_size", patchSize, 1, Limits.MAX_PATCH);
        Limits.require("sample_size", sampleSize, 1, Limits.MAX_POSITIONS);
        Limits.require("hidden_size", hiddenSize, 1, Limits.MAX_WIDTH);
        Limits.require("num_layers", numLayers, 0, Limits.MAX_LAYERS);
        Limits.requireAbove("mlp_ratio", mlpRatio, 0, Limits.MAX_RATIO);
        Limits.require("cross_attention_dim", crossAttentionDim, 1, Limits.MAX_WIDTH);
        Limits.require("cross_attention_dim_t5", crossAttentionDimT5, 1, Limits.MAX_WIDTH / 4);
        Limits.require("pooled_projection_dim", pooledProjectionDim, 1, Limits.MAX_WIDTH);
        Limits.require("text_len", textLen, 1, Limits.MAX_POSITIONS);
        Limits.require("text_len_t5", textLenT5, 1, Limits.MAX_POSITIONS);
        Limits.require("num_attention_heads * attention_head_dim", numAttentionHeads * attentionHeadDim, 1,
                Limits.MAX_WIDTH);
        Limits.require("int(inner_dim * mlp_ratio)", (int) (numAttentionHeads * attentionHeadDim * (double) mlpRatio),
                1, Limits.MAX_FFN_WIDTH);
        if (hiddenSize != numAttentionHeads * attentionHeadDim) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " must equal num_attention_heads * "
                    + "attention_head_dim = " + numAttentionHeads * attentionHeadDim);
        }
        if (numLayers % 2 != 0) {
            throw new IllegalArgumentException("num_layers must be even (long skips pair the blocks) but is "
                    + numLayers);
        }
        // the pooler's 8 heads split the mT5 width; RoPE splits the head dim in 2 halves of cos/sin pairs
        if (crossAttentionDimT5 % HunyuanDiTAttentionPool.NUM_HEADS != 0) {
            throw new IllegalArgumentException("cross_attention_dim_t5 must be a multiple of "
                    + HunyuanDiTAttentionPool.NUM_HEADS + " (the pooler's heads) but is " + crossAttentionDimT5);
        }
        if (attentionHeadDim % 4 != 0) {
            throw new IllegalArgumentException("attention_head_dim must be a multiple of 4 (2D RoPE) but is "
                    + attentionHeadDim);
        }
        if (!GELU_APPROXIMATE.equals(activationFn)) {
            throw new IllegalArgumentException("activation_fn '" + activationFn + "' is not supported; supported: ["
                    + GELU_APPROXIMATE + "]");
        }
        if (!LAYER_NORM.equals(normType)) {
            throw new IllegalArgumentException("norm_type '" + normType + "' is not supported; supported: ["
                    + LAYER_NORM + "]");
        }
    }

    /** {@code inner_dim = num_attention_heads * attention_head_dim}. */
    public int innerDim() {
        return numAttentionHeads * attentionHeadDim;
    }

    /** {@code out_channels}: {@code in_channels * 2} with {@code learn_sigma}, else {@code in_channels}. */
    public int outChannels() {
        return learnSigma ? inChannels * 2 : inChannels;
    }

    /** Feed-forward width {@code int(inner_dim * mlp_ratio)} (Python's truncation of a double product). */
    public int ffInnerDim() {
        return (int) (innerDim() * (double) mlpRatio);
    }

    /** {@code text_len + text_len_t5}: the cross-attention context length. */
    public int contextLength() {
        return textLen + textLenT5;
    }

    /**
     * Reads a {@code config.json} with diffusers' defaults for absent keys ({@code in_channels} and
     * {@code patch_size} have no default there and are required).
     *
     * @throws ConfigException naming the file and the key, for a missing required key, wrong types, values outside
     *     {@link Limits} and the unsupported variants (naming what is supported)
     */
    public static HunyuanDiTConfig fromJson(JsonConfig j) {
        j.require(j.has("in_channels"), "in_channels", "is required (diffusers has no default)");
        j.require(j.has("patch_size"), "patch_size", "is required (diffusers has no default)");
        try {
            HunyuanDiTConfig c = new HunyuanDiTConfig(j.getInt("num_attention_heads", 16),
                    j.getInt("attention_head_dim", 88), j.getInt("in_channels"), j.getInt("patch_size"),
                    j.getString("activation_fn", GELU_APPROXIMATE), j.getInt("sample_size", 32),
                    j.getInt("hidden_size", 1152), j.getInt("num_layers", 28), j.getFloat("mlp_ratio", 4.0f),
                    j.getBoolean("learn_sigma", true), j.getInt("cross_attention_dim", 1024),
                    j.getString("norm_type", LAYER_NORM), j.getInt("cross_attention_dim_t5", 2048),
                    j.getInt("pooled_projection_dim", 1024), j.getInt("text_len", 77), j.getInt("text_len_t5", 256),
                    j.getBoolean("use_style_cond_and_image_meta_size", true));
            j.logUnread();
            return c;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }

    /** HunyuanDiT v1.2 ({@code Tencent-Hunyuan/HunyuanDiT-v1.2-Diffusers}): 40 blocks of 1408, no style/size. */
    public static HunyuanDiTConfig v12() {
        return new HunyuanDiTConfig(16, 88, 4, 2, GELU_APPROXIMATE, 128, 1408, 40, 4.3637f, true, 1024, LAYER_NORM,
                2048, 1024, 77, 256, false);
    }

    /** HunyuanDiT v1.1 (and v1.0): as {@link #v12()} with the style and image-meta-size conditioning. */
    public static HunyuanDiTConfig v11() {
        return new HunyuanDiTConfig(16, 88, 4, 2, GELU_APPROXIMATE, 128, 1408, 40, 4.3637f, true, 1024, LAYER_NORM,
                2048, 1024, 77, 256, true);
    }
}
