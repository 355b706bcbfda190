package io.hunyuan4j.cogvideox.transformer;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.config.Limits;
import org.jspecify.annotations.Nullable;

/**
 * {@code transformer/config.json} of a diffusers CogVideoX checkpoint: the arguments of
 * {@code CogVideoXTransformer3DModel.__init__}, one component per key, with the reference defaults.
 *
 * <p>Only the values every published checkpoint uses are accepted for the activation functions
 * ({@code gelu-approximate}, {@code silu}); dropout is ignored (inference).
 *
 * @param numAttentionHeads {@code num_attention_heads}
 * @param attentionHeadDim {@code attention_head_dim}
 * @param inChannels {@code in_channels} (twice the latent channels for image-to-video)
 * @param outChannels {@code out_channels}
 * @param flipSinToCos {@code flip_sin_to_cos} of the time projection
 * @param freqShift {@code freq_shift} of the time projection
 * @param timeEmbedDim {@code time_embed_dim}
 * @param ofsEmbedDim {@code ofs_embed_dim}, or null without an ofs embedding (all but CogVideoX 1.5 I2V)
 * @param textEmbedDim {@code text_embed_dim}
 * @param numLayers {@code num_layers}
 * @param attentionBias {@code attention_bias}: q/k/v projections with bias
 * @param sampleWidth {@code sample_width} (latent)
 * @param sampleHeight {@code sample_height} (latent)
 * @param sampleFrames {@code sample_frames} (pixel frames: {@code (K - 1) * temporal_compression_ratio + 1})
 * @param patchSize {@code patch_size}
 * @param patchSizeT {@code patch_size_t}, or null for CogVideoX 1.0 (per-frame Conv2d patches)
 * @param temporalCompressionRatio {@code temporal_compression_ratio}
 * @param maxTextSeqLength {@code max_text_seq_length}
 * @param normElementwiseAffine {@code norm_elementwise_affine}
 * @param normEps {@code norm_eps}
 * @param spatialInterpolationScale {@code spatial_interpolation_scale}
 * @param temporalInterpolationScale {@code temporal_interpolation_scale}
 * @param useRotaryPositionalEmbeddings {@code use_rotary_positional_embeddings}
 * @param useLearnedPositionalEmbeddings {@code use_learned_positional_embeddings}
 * @param patchBias {@code patch_bias} (the Conv2d patch projection's bias; the 1.5 Linear always has one)
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/cogvideox_transformer_3d.py">diffusers CogVideoXTransformer3DModel</a>
 */
public record CogVideoXTransformerConfig(int numAttentionHeads, int attentionHeadDim, int inChannels,
        int outChannels, boolean flipSinToCos, int freqShift, int timeEmbedDim, @Nullable Integer ofsEmbedDim,
        int textEmbedDim, int numLayers, boolean attentionBias, int sampleWidth, int sampleHeight, int sampleFrames,
        int patchSize, @Nullable Integer patchSizeT, int temporalCompressionRatio, int maxTextSeqLength,
        boolean normElementwiseAffine, float normEps, float spatialInterpolationScale,
        float temporalInterpolationScale, boolean useRotaryPositionalEmbeddings,
        boolean useLearnedPositionalEmbeddings, boolean patchBias) {

    /** Validates bounds and the structural rules of the reference. */
    public CogVideoXTransformerConfig {
        Limits.require("num_attention_heads", numAttentionHeads, 1, Limits.MAX_HEADS);
        Limits.require("attention_head_dim", attentionHeadDim, 1, Limits.MAX_HEAD_DIM);
        Limits.require("in_channels", inChannels, 1, Limits.MAX_WIDTH);
        Limits.require("out_channels", outChannels, 1, Limits.MAX_WIDTH);
        Limits.require("time_embed_dim", timeEmbedDim, 1, Limits.MAX_WIDTH);
        Limits.require("text_embed_dim", textEmbedDim, 1, Limits.MAX_WIDTH);
        Limits.require("num_layers", numLayers, 0, Limits.MAX_LAYERS);
        Limits.require("sample_width", sampleWidth, 1, Limits.MAX_POSITIONS);
        Limits.require("sample_height", sampleHeight, 1, Limits.MAX_POSITIONS);
        Limits.require("sample_frames", sampleFrames, 1, Limits.MAX_POSITIONS);
        Limits.require("patch_size", patchSize, 1, Limits.MAX_PATCH);
        Limits.require("temporal_compression_ratio", temporalCompressionRatio, 1, Limits.MAX_PATCH);
        Limits.require("max_text_seq_length", maxTextSeqLength, 1, Limits.MAX_POSITIONS);
        Limits.require("freq_shift", freqShift, 0, Limits.MAX_POSITIONS);
        Limits.require("num_attention_heads * attention_head_dim", numAttentionHeads * attentionHeadDim, 1,
                Limits.MAX_WIDTH);
        Limits.requireAbove("norm_eps", normEps, 0, 1);
        Limits.requireAbove("spatial_interpolation_scale", spatialInterpolationScale, 0, Float.MAX_VALUE);
        Limits.requireAbove("temporal_interpolation_scale", temporalInterpolationScale, 0, Float.MAX_VALUE);
        if (patchSizeT != null) {
            Limits.require("patch_size_t", patchSizeT, 1, Limits.MAX_PATCH);
        }
        if (ofsEmbedDim != null) {
            Limits.require("ofs_embed_dim", ofsEmbedDim, 2, Limits.MAX_WIDTH);
            if (ofsEmbedDim % 2 != 0) {
                throw new IllegalArgumentException("ofs_embed_dim must be even but is " + ofsEmbedDim);
            }
        }
        if (!useRotaryPositionalEmbeddings && useLearnedPositionalEmbeddings) {
            // diffusers raises the same: no checkpoint has learned positions without RoPE
            throw new IllegalArgumentException("use_learned_positional_embeddings requires"
                    + " use_rotary_positional_embeddings (no CogVideoX checkpoint has one without the other)");
        }
        int inner = numAttentionHeads * attentionHeadDim;
        if (inner % 2 != 0) {
            throw new IllegalArgumentException("inner_dim (heads * head_dim) must be even for the time projection"
                    + " but is " + inner);
        }
        if (!useRotaryPositionalEmbeddings && inner % 16 != 0) {
            throw new IllegalArgumentException("the 3D sin-cos positional embedding needs inner_dim divisible by 16"
                    + " but it is " + inner);
        }
        if (useRotaryPositionalEmbeddings && attentionHeadDim % 8 != 0) {
            throw new IllegalArgumentException("3D RoPE needs attention_head_dim divisible by 8 (t = d/4, h = w ="
                    + " 3d/8, each even) but it is " + attentionHeadDim);
        }
    }

    /** {@code inner_dim = num_attention_heads * attention_head_dim}. */
    public int innerDim() {
        return numAttentionHeads * attentionHeadDim;
    }

    /** The temporal patch, 1 for CogVideoX 1.0 ({@code patch_size_t = None}). */
    public int temporalPatch() {
        return patchSizeT == null ? 1 : patchSizeT;
    }

    /** Whether the patch embedding adds an absolute (sin-cos or learned) positional embedding. */
    public boolean usesAbsolutePositions() {
        return !useRotaryPositionalEmbeddings || useLearnedPositionalEmbeddings;
    }

    /** {@code proj_out} width: {@code p * p * (p_t) * out_channels}. */
    public int projOutChannels() {
        return patchSize * patchSize * temporalPatch() * outChannels;
    }

    /**
     * Reads a {@code config.json} with diffusers' defaults for absent keys.
     *
     * @throws ConfigException naming the file and the key for wrong types, out-of-bounds or unsupported values
     */
    public static CogVideoXTransformerConfig fromJson(JsonConfig j) {
        String act = j.getString("activation_fn", "gelu-approximate");
        j.require("gelu-approximate".equals(act), "activation_fn", "supported: [\"gelu-approximate\"]");
        String tact = j.getString("timestep_activation_fn", "silu");
        j.require("silu".equals(tact), "timestep_activation_fn", "supported: [\"silu\"]");
        j.getDouble("dropout", 0.0); // inference: dropout is the identity
        Integer ofs = nullableInt(j, "ofs_embed_dim");
        Integer pt = nullableInt(j, "patch_size_t");
        int inChannels = j.getInt("in_channels", 16);
        try {
            CogVideoXTransformerConfig c = new CogVideoXTransformerConfig(j.getInt("num_attention_heads", 30),
                    j.getInt("attention_head_dim", 64), inChannels, j.getInt("out_channels", 16),
                    j.getBoolean("flip_sin_to_cos", true), j.getInt("freq_shift", 0), j.getInt("time_embed_dim", 512),
                    ofs, j.getInt("text_embed_dim", 4096), j.getInt("num_layers", 30),
                    j.getBoolean("attention_bias", true), j.getInt("sample_width", 90), j.getInt("sample_height", 60),
                    j.getInt("sample_frames", 49), j.getInt("patch_size", 2), pt,
                    j.getInt("temporal_compression_ratio", 4), j.getInt("max_text_seq_length", 226),
                    j.getBoolean("norm_elementwise_affine", true), j.getFloat("norm_eps", 1e-5f),
                    j.getFloat("spatial_interpolation_scale", 1.875f),
                    j.getFloat("temporal_interpolation_scale", 1.0f),
                    j.getBoolean("use_rotary_positional_embeddings", false),
                    j.getBoolean("use_learned_positional_embeddings", false), j.getBoolean("patch_bias", true));
            j.logUnread();
            return c;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }

    private static @Nullable Integer nullableInt(JsonConfig j, String key) {
        if (!j.has(key)) {
            j.getDouble(key, 0); // marks it read
            return null;
        }
        return j.getInt(key);
    }
}
