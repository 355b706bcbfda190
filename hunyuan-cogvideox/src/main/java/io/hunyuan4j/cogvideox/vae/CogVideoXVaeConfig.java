package io.hunyuan4j.cogvideox.vae;

import static io.hunyuan4j.core.config.AutoencoderKLFields.require;

import io.hunyuan4j.core.config.AutoencoderKLFields;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.config.Limits;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code config.json} of a CogVideoX {@code vae/} folder, key for key (camelCase of the JSON keys), with
 * diffusers' defaults. {@code shift_factor}, {@code latents_mean}, {@code latents_std}, {@code force_upcast} and
 * {@code invert_scale_latents} are read and kept for the pipelines; the VAE itself does not use them.
 *
 * @param inChannels {@code in_channels}: video channels (3)
 * @param outChannels {@code out_channels}: decoded channels (3)
 * @param downBlockTypes {@code down_block_types}: only {@code CogVideoXDownBlock3D}
 * @param upBlockTypes {@code up_block_types}: only {@code CogVideoXUpBlock3D}
 * @param blockOutChannels {@code block_out_channels} (128, 256, 256, 512); each but the last halves H and W
 * @param latentChannels {@code latent_channels} (16)
 * @param layersPerBlock {@code layers_per_block} (3; the decoder's up blocks have one more)
 * @param actFn {@code act_fn}: {@code silu} (or its alias {@code swish})
 * @param normEps {@code norm_eps} (1e-6): the residual blocks' GroupNorm eps (the encoder's {@code norm_out}
 *     and every spatial norm use 1e-6 whatever this says, as in diffusers)
 * @param normNumGroups {@code norm_num_groups} (32)
 * @param temporalCompressionRatio {@code temporal_compression_ratio} (4): a power of two, at most
 *     {@code 2^(blocks - 1)}
 * @param sampleHeight {@code sample_height} (480): the default tile is half of it
 * @param sampleWidth {@code sample_width} (720): the default tile is half of it
 * @param scalingFactor {@code scaling_factor} (1.15258426; 0.7 for the 5B models)
 * @param shiftFactor {@code shift_factor} (null)
 * @param latentsMean {@code latents_mean} (null: empty)
 * @param latentsStd {@code latents_std} (null: empty)
 * @param forceUpcast {@code force_upcast} (true)
 * @param useQuantConv {@code use_quant_conv} (false)
 * @param usePostQuantConv {@code use_post_quant_conv} (false)
 * @param invertScaleLatents {@code invert_scale_latents} (false; true for CogVideoX 1.5 I2V)
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_cogvideox.py#L1006">diffusers AutoencoderKLCogVideoX.__init__</a>
 */
public record CogVideoXVaeConfig(int inChannels, int outChannels, List<String> downBlockTypes,
        List<String> upBlockTypes, List<Integer> blockOutChannels, int latentChannels, int layersPerBlock,
        String actFn, float normEps, int normNumGroups, int temporalCompressionRatio, int sampleHeight,
        int sampleWidth, float scalingFactor, @Nullable Float shiftFactor, List<Float> latentsMean,
        List<Float> latentsStd, boolean forceUpcast, boolean useQuantConv, boolean usePostQuantConv,
        boolean invertScaleLatents) {

    /** The only down block diffusers builds. */
    public static final String DOWN_BLOCK = "CogVideoXDownBlock3D";
    /** The only up block diffusers builds. */
    public static final String UP_BLOCK = "CogVideoXUpBlock3D";
    /** Most entries of {@code block_out_channels}: each but the last halves the resolution. */
    static final int MAX_BLOCKS = 16;
    /** Largest {@code sample_height} / {@code sample_width}. */
    static final int MAX_SAMPLE = 1 << 20;

    /** Validates; messages name the config key, the value and the rule. */
    public CogVideoXVaeConfig {
        downBlockTypes = List.copyOf(downBlockTypes);
        upBlockTypes = List.copyOf(upBlockTypes);
        blockOutChannels = List.copyOf(blockOutChannels);
        latentsMean = List.copyOf(latentsMean);
        latentsStd = List.copyOf(latentsStd);
        new AutoencoderKLFields(inChannels, outChannels, latentChannels, downBlockTypes, upBlockTypes,
                blockOutChannels, layersPerBlock, actFn, normNumGroups, scalingFactor)
                .validate(DOWN_BLOCK, UP_BLOCK, MAX_BLOCKS);
        Limits.require("sample_height", sampleHeight, 2, MAX_SAMPLE);
        Limits.require("sample_width", sampleWidth, 2, MAX_SAMPLE);
        require(Float.isFinite(normEps) && normEps > 0 && normEps < 1, "norm_eps", normEps, "must be in (0, 1)");
        require(temporalCompressionRatio >= 1 && Integer.bitCount(temporalCompressionRatio) == 1
                        && Integer.numberOfTrailingZeros(temporalCompressionRatio) <= blockOutChannels.size() - 1,
                "temporal_compression_ratio", temporalCompressionRatio, "must be a power of two up to 2^(number of"
                        + " blocks - 1) = " + (1 << (blockOutChannels.size() - 1)));
        require(shiftFactor == null || Float.isFinite(shiftFactor), "shift_factor", shiftFactor, "must be finite");
        // diffusers builds quant_conv as Conv3d(2 * out_channels, ...) and applies it to 2 * latent_channels
        require(!useQuantConv || outChannels == latentChannels, "use_quant_conv", useQuantConv,
                "diffusers' quant_conv has 2 * out_channels (" + outChannels + ") channels, so it needs"
                        + " latent_channels (" + latentChannels + ") = out_channels");
        require(!usePostQuantConv || outChannels == latentChannels, "use_post_quant_conv", usePostQuantConv,
                "diffusers' post_quant_conv has out_channels (" + outChannels + ") channels, so it needs"
                        + " latent_channels (" + latentChannels + ") = out_channels");
    }

    /**
     * Reads {@code config.json} with the diffusers defaults.
     *
     * @throws ConfigException naming the file and the key for a missing-typed, invalid or out-of-bounds value
     */
    public static CogVideoXVaeConfig fromJson(JsonConfig j) {
        try {
            double ratio = j.getDouble("temporal_compression_ratio", 4);
            j.require(ratio == Math.rint(ratio) && ratio >= 1 && ratio <= 1 << 16, "temporal_compression_ratio",
                    "must be a whole number (a power of two)");
            AutoencoderKLFields f = AutoencoderKLFields.read(j, defaults().fields());
            CogVideoXVaeConfig c = new CogVideoXVaeConfig(f.inChannels(), f.outChannels(), f.downBlockTypes(),
                    f.upBlockTypes(), f.blockOutChannels(), f.latentChannels(), f.layersPerBlock(), f.actFn(),
                    j.getFloat("norm_eps", 1e-6f),
                    f.normNumGroups(),
                    (int) ratio,
                    j.getInt("sample_height", 480),
                    j.getInt("sample_width", 720),
                    f.scalingFactor(),
                    j.has("shift_factor") ? Float.valueOf(j.getFloat("shift_factor")) : null,
                    AutoencoderKLFields.floatList(j.getFloatArray("latents_mean")),
                    AutoencoderKLFields.floatList(j.getFloatArray("latents_std")),
                    j.getBoolean("force_upcast", true),
                    j.getBoolean("use_quant_conv", false),
                    j.getBoolean("use_post_quant_conv", false),
                    j.getBoolean("invert_scale_latents", false));
            j.logUnread();
            return c;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }

    /** The released CogVideoX-2b VAE (CogVideoX-5b: the same with scaling factor 0.7). */
    public static CogVideoXVaeConfig defaults() {
        return new CogVideoXVaeConfig(3, 3, Collections.nCopies(4, DOWN_BLOCK), Collections.nCopies(4, UP_BLOCK),
                List.of(128, 256, 256, 512), 16, 3, "silu", 1e-6f, 32, 4, 480, 720, 1.15258426f, null, List.of(),
                List.of(), true, false, false, false);
    }

    /** A tiny config, the shape of the public golden fixture's: channels (8, 16, 16, 16), 1 layer, 4 groups. */
    public static CogVideoXVaeConfig tiny() {
        return new CogVideoXVaeConfig(3, 3, Collections.nCopies(4, DOWN_BLOCK), Collections.nCopies(4, UP_BLOCK),
                List.of(8, 16, 16, 16), 4, 1, "silu", 1e-6f, 4, 4, 32, 32, 1.15258426f, null, List.of(), List.of(),
                true, false, false, false);
    }

    /** The keys every KL autoencoder shares, as read. */
    public AutoencoderKLFields fields() {
        return new AutoencoderKLFields(inChannels, outChannels, latentChannels, downBlockTypes, upBlockTypes,
                blockOutChannels, layersPerBlock, actFn, normNumGroups, scalingFactor);
    }

    /** {@code 2^(len(block_out_channels) - 1)}: every block but the last halves H and W. */
    public int spatialCompressionRatio() {
        return 1 << (blockOutChannels.size() - 1);
    }

    /** {@code log2(temporal_compression_ratio)}: how many leading blocks also halve (double) time. */
    public int temporalCompressLevel() {
        return Integer.numberOfTrailingZeros(temporalCompressionRatio);
    }

    /** The last (widest) entry of {@code block_out_channels}: the mid blocks' width. */
    public int midChannels() {
        return blockOutChannels.get(blockOutChannels.size() - 1);
    }
}
