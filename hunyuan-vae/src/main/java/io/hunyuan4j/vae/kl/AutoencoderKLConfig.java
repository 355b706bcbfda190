package io.hunyuan4j.vae.kl;

import static io.hunyuan4j.core.config.AutoencoderKLFields.require;

import io.hunyuan4j.core.config.AutoencoderKLFields;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.config.Limits;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code config.json} of a diffusers {@code AutoencoderKL} {@code vae/} folder, key for key (camelCase of the
 * JSON keys), with the reference's defaults.
 *
 * @param inChannels {@code in_channels}: image channels (3)
 * @param outChannels {@code out_channels}: decoded channels (3)
 * @param downBlockTypes {@code down_block_types}: only {@code DownEncoderBlock2D}
 * @param upBlockTypes {@code up_block_types}: only {@code UpDecoderBlock2D}
 * @param blockOutChannels {@code block_out_channels} (64; HunyuanDiT: 128, 256, 512, 512)
 * @param layersPerBlock {@code layers_per_block} (1; the decoder's up blocks have one more)
 * @param actFn {@code act_fn}: {@code silu} (or its alias {@code swish})
 * @param latentChannels {@code latent_channels} (4)
 * @param normNumGroups {@code norm_num_groups} (32)
 * @param sampleSize {@code sample_size} (32; HunyuanDiT 512): also the default tile size of tiled encode/decode
 * @param scalingFactor {@code scaling_factor} (0.18215; HunyuanDiT 0.13025): the pipeline divides latents by it
 * @param shiftFactor {@code shift_factor} (null): recorded for pipelines; the VAE itself does not use it
 * @param latentsMean {@code latents_mean} (null: empty): recorded for pipelines
 * @param latentsStd {@code latents_std} (null: empty): recorded for pipelines
 * @param forceUpcast {@code force_upcast} (true): recorded; this port runs float32 under every compute dtype
 * @param useQuantConv {@code use_quant_conv} (true): whether {@code quant_conv} exists
 * @param usePostQuantConv {@code use_post_quant_conv} (true): whether {@code post_quant_conv} exists
 * @param midBlockAddAttention {@code mid_block_add_attention} (true)
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl.py#L78">diffusers AutoencoderKL.__init__</a>
 */
public record AutoencoderKLConfig(int inChannels, int outChannels, List<String> downBlockTypes,
        List<String> upBlockTypes, List<Integer> blockOutChannels, int layersPerBlock, String actFn,
        int latentChannels, int normNumGroups, int sampleSize, float scalingFactor, @Nullable Float shiftFactor,
        List<Float> latentsMean, List<Float> latentsStd, boolean forceUpcast, boolean useQuantConv,
        boolean usePostQuantConv, boolean midBlockAddAttention) {

    /** The only down block this port builds (the KL VAE's). */
    public static final String DOWN_BLOCK = "DownEncoderBlock2D";
    /** The only up block this port builds (the KL VAE's). */
    public static final String UP_BLOCK = "UpDecoderBlock2D";
    /** Most entries of {@code block_out_channels}: each but the last halves the resolution. */
    static final int MAX_BLOCKS = 16;
    /** Largest {@code sample_size} (the default tile edge in pixels). */
    static final int MAX_SAMPLE_SIZE = 1 << 16;
    /** diffusers' {@code __init__} defaults of the shared keys (a one-block 64-channel VAE). */
    private static final AutoencoderKLFields DIFFUSERS_DEFAULTS =
            new AutoencoderKLFields(3, 3, 4, List.of(DOWN_BLOCK), List.of(UP_BLOCK), List.of(64), 1, "silu", 32,
                    0.18215f);

    /** Validates; messages name the config key, the value and the rule. */
    public AutoencoderKLConfig {
        downBlockTypes = List.copyOf(downBlockTypes);
        upBlockTypes = List.copyOf(upBlockTypes);
        blockOutChannels = List.copyOf(blockOutChannels);
        latentsMean = List.copyOf(latentsMean);
        latentsStd = List.copyOf(latentsStd);
        new AutoencoderKLFields(inChannels, outChannels, latentChannels, downBlockTypes, upBlockTypes,
                blockOutChannels, layersPerBlock, actFn, normNumGroups, scalingFactor)
                .validate(DOWN_BLOCK, UP_BLOCK, MAX_BLOCKS);
        Limits.require("sample_size", sampleSize, 1, MAX_SAMPLE_SIZE);
        require(shiftFactor == null || Float.isFinite(shiftFactor), "shift_factor", shiftFactor,
                "must be finite or null");
        require(latentsMean.isEmpty() || latentsMean.size() == latentChannels, "latents_mean", latentsMean,
                "must be null or have latent_channels (" + latentChannels + ") entries");
        require(latentsStd.isEmpty() || latentsStd.size() == latentChannels, "latents_std", latentsStd,
                "must be null or have latent_channels (" + latentChannels + ") entries");
    }

    /** Reads {@code config.json} with the diffusers defaults; errors name the file and the key. */
    public static AutoencoderKLConfig fromJson(JsonConfig j) {
        try {
            AutoencoderKLFields f = AutoencoderKLFields.read(j, DIFFUSERS_DEFAULTS);
            AutoencoderKLConfig c = new AutoencoderKLConfig(f.inChannels(), f.outChannels(), f.downBlockTypes(),
                    f.upBlockTypes(), f.blockOutChannels(), f.layersPerBlock(), f.actFn(), f.latentChannels(),
                    f.normNumGroups(),
                    j.getInt("sample_size", 32),
                    f.scalingFactor(),
                    j.has("shift_factor") ? j.getFloat("shift_factor") : null,
                    AutoencoderKLFields.floatList(j.getFloatArray("latents_mean")),
                    AutoencoderKLFields.floatList(j.getFloatArray("latents_std")),
                    j.getBoolean("force_upcast", true),
                    j.getBoolean("use_quant_conv", true),
                    j.getBoolean("use_post_quant_conv", true),
                    j.getBoolean("mid_block_add_attention", true));
            j.logUnread();
            return c;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }

    /**
     * HunyuanDiT v1.2's {@code vae/} (sdxl-vae-fp16-fix): channels (128, 256, 512, 512), 2 layers, 32 groups,
     * latent 4, sample size 512, scaling factor 0.13025, no forced upcast.
     */
    public static AutoencoderKLConfig hunyuanDit() {
        return new AutoencoderKLConfig(3, 3, Collections.nCopies(4, DOWN_BLOCK), Collections.nCopies(4, UP_BLOCK),
                List.of(128, 256, 512, 512), 2, "silu", 4, 32, 512, 0.13025f, null, List.of(), List.of(), false,
                true, true, true);
    }

    /** The golden fixture's shape: channels (8, 16, 16, 16), 1 layer, 4 groups, latent 4, sample size 32. */
    public static AutoencoderKLConfig tiny() {
        return new AutoencoderKLConfig(3, 3, Collections.nCopies(4, DOWN_BLOCK), Collections.nCopies(4, UP_BLOCK),
                List.of(8, 16, 16, 16), 1, "silu", 4, 4, 32, 0.13025f, null, List.of(), List.of(), false, true,
                true, true);
    }

    /** Number of 2x down/upsampling layers: {@code len(block_out_channels) - 1}. */
    public int numDownsamples() {
        return blockOutChannels.size() - 1;
    }

    /** {@code 2 ** (len(block_out_channels) - 1)}: pixels per latent element along each axis. */
    public int spatialCompressionRatio() {
        return 1 << numDownsamples();
    }

    /** The last (widest) entry of {@code block_out_channels}: the mid block's width. */
    public int midChannels() {
        return blockOutChannels.get(blockOutChannels.size() - 1);
    }
}
