package io.hunyuan4j.vae;

import static io.hunyuan4j.core.config.AutoencoderKLFields.require;

import io.hunyuan4j.core.config.AutoencoderKLFields;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
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
        new AutoencoderKLFields(inChannels, outChannels, latentChannels, downBlockTypes, upBlockTypes,
                blockOutChannels, layersPerBlock, actFn, normNumGroups, scalingFactor)
                .validate(DOWN_BLOCK, UP_BLOCK, MAX_BLOCKS);
        require(temporalCompressionRatio == 4, "temporal_compression_ratio", temporalCompressionRatio,
                "supported: [4] (the reference decoder raises for any other value)");
        require(spatialCompressionRatio > 0 && Integer.bitCount(spatialCompressionRatio) == 1,
                "spatial_compression_ratio", spatialCompressionRatio, "must be a power of two");
        int spatialLayers = Integer.numberOfTrailingZeros(spatialCompressionRatio);
        require(spatialLayers <= blockOutChannels.size(), "spatial_compression_ratio", spatialCompressionRatio,
                "needs log2(ratio) <= number of blocks " + blockOutChannels.size());
        require(2 <= blockOutChannels.size() - 1, "block_out_channels", blockOutChannels,
                "needs at least 3 blocks for two temporal down/upsampling layers (temporal ratio 4)");
    }

    /** Reads {@code config.json} with the diffusers defaults; errors name the file and the key. */
    public static VaeConfig fromJson(JsonConfig j) {
        try {
            AutoencoderKLFields f = AutoencoderKLFields.read(j, defaults().fields());
            VaeConfig c = new VaeConfig(f.inChannels(), f.outChannels(), f.latentChannels(), f.downBlockTypes(),
                    f.upBlockTypes(), f.blockOutChannels(), f.layersPerBlock(), f.actFn(), f.normNumGroups(),
                    f.scalingFactor(),
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

    /** The keys every KL autoencoder shares, as read. */
    public AutoencoderKLFields fields() {
        return new AutoencoderKLFields(inChannels, outChannels, latentChannels, downBlockTypes, upBlockTypes,
                blockOutChannels, layersPerBlock, actFn, normNumGroups, scalingFactor);
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
}
