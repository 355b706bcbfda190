package io.hunyuan4j.vae;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.config.Limits;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The {@code config.json} of a diffusers {@code vae/} folder, key for key (camelCase of the JSON keys), with the
 * reference's defaults.
 *
 * @param inChannels {@code in_channels}: video channels (3)
 * @param outChannels {@code out_channels}: decoded channels (3)
 * @param latentChannels {@code latent_channels} (16)
 * @param downBlockTypes {@code down_block_types}: only {@code HunyuanVideoDownBlock3D}
 * @param upBlockTypes {@code up_block_types}: only {@code HunyuanVideoUpBlock3D}
 * @param blockOutChannels {@code block_out_channels} (128, 256, 512, 512)
 * @param layersPerBlock {@code layers_per_block} (2; the decoder's up blocks have one more)
 * @param actFn {@code act_fn}: {@code silu} (or its alias {@code swish})
 * @param normNumGroups {@code norm_num_groups} (32)
 * @param scalingFactor {@code scaling_factor} (0.476986): the pipeline divides latents by it before decoding
 * @param spatialCompressionRatio {@code spatial_compression_ratio} (8)
 * @param temporalCompressionRatio {@code temporal_compression_ratio} (4: the only value the decoder supports)
 * @param midBlockAddAttention {@code mid_block_add_attention} (true)
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L632">diffusers AutoencoderKLHunyuanVideo.__init__</a>
 */
public record VaeConfig(int inChannels, int outChannels, int latentChannels, List<String> downBlockTypes,
        List<String> upBlockTypes, List<Integer> blockOutChannels, int layersPerBlock, String actFn,
        int normNumGroups, float scalingFactor, int spatialCompressionRatio, int temporalCompressionRatio,
        boolean midBlockAddAttention) {

    /** The only down block the reference builds. */
    public static final String DOWN_BLOCK = "HunyuanVideoDownBlock3D";
    /** The only up block the reference builds. */
    public static final String UP_BLOCK = "HunyuanVideoUpBlock3D";
    /** Most entries of {@code block_out_channels}: each halves the resolution, and 2^16 is past any video. */
    static final int MAX_BLOCKS = 16;

    /** Validates; messages name the config key, the value and the rule. */
    public VaeConfig {
        downBlockTypes = List.copyOf(downBlockTypes);
        upBlockTypes = List.copyOf(upBlockTypes);
        blockOutChannels = List.copyOf(blockOutChannels);
        // bounds first: every block list is sized from these (see Limits)
        Limits.require("in_channels", inChannels, 1, Limits.MAX_WIDTH);
        Limits.require("out_channels", outChannels, 1, Limits.MAX_WIDTH);
        Limits.require("latent_channels", latentChannels, 1, Limits.MAX_WIDTH);
        Limits.require("layers_per_block", layersPerBlock, 1, Limits.MAX_LAYERS);
        require(!blockOutChannels.isEmpty(), "block_out_channels", blockOutChannels, "must not be empty");
        require(blockOutChannels.size() <= MAX_BLOCKS, "block_out_channels", blockOutChannels.size() + " entries",
                "must have at most " + MAX_BLOCKS);
        Limits.require("norm_num_groups", normNumGroups, 1, Limits.MAX_WIDTH);
        for (int c : blockOutChannels) {
            Limits.require("block_out_channels entry", c, 1, Limits.MAX_WIDTH);
            require(c % normNumGroups == 0, "block_out_channels", blockOutChannels,
                    "every entry must be a positive multiple of norm_num_groups " + normNumGroups);
        }
        require(downBlockTypes.size() == blockOutChannels.size(), "down_block_types", downBlockTypes,
                "must have one entry per block_out_channels entry (" + blockOutChannels.size() + ")");
        require(upBlockTypes.size() == blockOutChannels.size(), "up_block_types", upBlockTypes,
                "must have one entry per block_out_channels entry (" + blockOutChannels.size() + ")");
        for (String t : downBlockTypes) {
            require(DOWN_BLOCK.equals(t), "down_block_types", t, "supported: [" + DOWN_BLOCK + "]");
        }
        for (String t : upBlockTypes) {
            require(UP_BLOCK.equals(t), "up_block_types", t, "supported: [" + UP_BLOCK + "]");
        }
        require("silu".equals(actFn) || "swish".equals(actFn), "act_fn", actFn, "supported: [silu, swish]");
        require(temporalCompressionRatio == 4, "temporal_compression_ratio", temporalCompressionRatio,
                "supported: [4] (the reference decoder raises for any other value)");
        require(spatialCompressionRatio > 0 && Integer.bitCount(spatialCompressionRatio) == 1,
                "spatial_compression_ratio", spatialCompressionRatio, "must be a power of two");
        int spatialLayers = Integer.numberOfTrailingZeros(spatialCompressionRatio);
        require(spatialLayers <= blockOutChannels.size(), "spatial_compression_ratio", spatialCompressionRatio,
                "needs log2(ratio) <= number of blocks " + blockOutChannels.size());
        require(2 <= blockOutChannels.size() - 1, "block_out_channels", blockOutChannels,
                "needs at least 3 blocks for two temporal down/upsampling layers (temporal ratio 4)");
        require(Float.isFinite(scalingFactor) && scalingFactor > 0, "scaling_factor", scalingFactor, "must be > 0");
    }

    /** Reads {@code config.json} with the diffusers defaults; errors name the file and the key. */
    public static VaeConfig fromJson(JsonConfig j) {
        List<String> defaultDown = Collections.nCopies(4, DOWN_BLOCK);
        List<String> defaultUp = Collections.nCopies(4, UP_BLOCK);
        try {
            VaeConfig c = new VaeConfig(
                    j.getInt("in_channels", 3),
                    j.getInt("out_channels", 3),
                    j.getInt("latent_channels", 16),
                    j.getStringList("down_block_types", defaultDown),
                    j.getStringList("up_block_types", defaultUp),
                    boxed(j.getIntArray("block_out_channels", 128, 256, 512, 512)),
                    j.getInt("layers_per_block", 2),
                    j.getString("act_fn", "silu"),
                    j.getInt("norm_num_groups", 32),
                    j.getFloat("scaling_factor", 0.476986f),
                    j.getInt("spatial_compression_ratio", 8),
                    j.getInt("temporal_compression_ratio", 4),
                    j.getBoolean("mid_block_add_attention", true));
            j.logUnread();
            return c;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }

    /** The reference's defaults: the released HunyuanVideo VAE. */
    public static VaeConfig defaults() {
        return new VaeConfig(3, 3, 16, Collections.nCopies(4, DOWN_BLOCK), Collections.nCopies(4, UP_BLOCK),
                List.of(128, 256, 512, 512), 2, "silu", 32, 0.476986f, 8, 4, true);
    }

    /** A tiny config (the shape of the golden fixture's): channels (8, 16, 16, 16), 1 layer, 4 groups, latent 4. */
    public static VaeConfig tiny() {
        return new VaeConfig(3, 3, 4, Collections.nCopies(4, DOWN_BLOCK), Collections.nCopies(4, UP_BLOCK),
                List.of(8, 16, 16, 16), 1, "silu", 4, 0.476986f, 8, 4, true);
    }

    /** Number of spatial 2x down/upsampling layers, {@code log2(spatial_compression_ratio)}. */
    public int numSpatialLayers() {
        return Integer.numberOfTrailingZeros(spatialCompressionRatio);
    }

    /** Number of temporal 2x down/upsampling layers, {@code log2(temporal_compression_ratio)}. */
    public int numTimeLayers() {
        return Integer.numberOfTrailingZeros(temporalCompressionRatio);
    }

    /** The last (widest) entry of {@code block_out_channels}: the mid block's width. */
    public int midChannels() {
        return blockOutChannels.get(blockOutChannels.size() - 1);
    }

    private static List<Integer> boxed(int[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    private static void require(boolean ok, String key, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(key + " = " + value + ": " + rule);
        }
    }
}
