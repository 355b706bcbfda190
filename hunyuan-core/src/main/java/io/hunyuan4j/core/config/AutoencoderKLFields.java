package io.hunyuan4j.core.config;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code config.json} keys every diffusers KL autoencoder shares ({@code AutoencoderKL},
 * {@code AutoencoderKLHunyuanVideo}, {@code AutoencoderKLCogVideoX}): read once with a family's defaults, and
 * checked by one set of rules. Each family's config record keeps these as its own components beside its own keys.
 *
 * @param inChannels {@code in_channels}
 * @param outChannels {@code out_channels}
 * @param latentChannels {@code latent_channels}
 * @param downBlockTypes {@code down_block_types}
 * @param upBlockTypes {@code up_block_types}
 * @param blockOutChannels {@code block_out_channels}
 * @param layersPerBlock {@code layers_per_block}
 * @param actFn {@code act_fn}
 * @param normNumGroups {@code norm_num_groups}
 * @param scalingFactor {@code scaling_factor}
 */
public record AutoencoderKLFields(int inChannels, int outChannels, int latentChannels, List<String> downBlockTypes,
        List<String> upBlockTypes, List<Integer> blockOutChannels, int layersPerBlock, String actFn,
        int normNumGroups, float scalingFactor) {

    /** Copies the lists; checking is {@link #validate}'s, so a family's defaults can be written as one of these. */
    public AutoencoderKLFields {
        downBlockTypes = List.copyOf(downBlockTypes);
        upBlockTypes = List.copyOf(upBlockTypes);
        blockOutChannels = List.copyOf(blockOutChannels);
    }

    /**
     * Reads the shared keys, each missing one taking its value in {@code defaults}.
     *
     * @throws ConfigException naming the file and the key for a mistyped value
     */
    public static AutoencoderKLFields read(JsonConfig j, AutoencoderKLFields defaults) {
        return new AutoencoderKLFields(
                j.getInt("in_channels", defaults.inChannels),
                j.getInt("out_channels", defaults.outChannels),
                j.getInt("latent_channels", defaults.latentChannels),
                j.getStringList("down_block_types", defaults.downBlockTypes),
                j.getStringList("up_block_types", defaults.upBlockTypes),
                Arrays.stream(j.getIntArray("block_out_channels",
                        defaults.blockOutChannels.stream().mapToInt(Integer::intValue).toArray())).boxed().toList(),
                j.getInt("layers_per_block", defaults.layersPerBlock),
                j.getString("act_fn", defaults.actFn),
                j.getInt("norm_num_groups", defaults.normNumGroups),
                j.getFloat("scaling_factor", defaults.scalingFactor));
    }

    /**
     * The rules all three families share: channel counts and layer count within {@link Limits}, 1 to
     * {@code maxBlocks} blocks each a positive multiple of {@code norm_num_groups}, one block type per block and
     * only the family's, {@code act_fn} silu (or swish), a positive finite scaling factor.
     *
     * @param downBlock the only {@code down_block_types} entry the family builds
     * @param upBlock the only {@code up_block_types} entry the family builds
     * @param maxBlocks most entries of {@code block_out_channels}
     * @throws IllegalArgumentException naming the key, the value and the rule
     */
    public void validate(String downBlock, String upBlock, int maxBlocks) {
        // bounds first: every block list is sized from these (see Limits)
        Limits.require("in_channels", inChannels, 1, Limits.MAX_WIDTH);
        Limits.require("out_channels", outChannels, 1, Limits.MAX_WIDTH);
        Limits.require("latent_channels", latentChannels, 1, Limits.MAX_WIDTH);
        Limits.require("layers_per_block", layersPerBlock, 1, Limits.MAX_LAYERS);
        Limits.require("norm_num_groups", normNumGroups, 1, Limits.MAX_WIDTH);
        require(!blockOutChannels.isEmpty(), "block_out_channels", blockOutChannels, "must not be empty");
        require(blockOutChannels.size() <= maxBlocks, "block_out_channels", blockOutChannels.size() + " entries",
                "must have at most " + maxBlocks);
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
            require(downBlock.equals(t), "down_block_types", t, "supported: [" + downBlock + "]");
        }
        for (String t : upBlockTypes) {
            require(upBlock.equals(t), "up_block_types", t, "supported: [" + upBlock + "]");
        }
        require("silu".equals(actFn) || "swish".equals(actFn), "act_fn", actFn, "supported: [silu, swish]");
        require(Float.isFinite(scalingFactor) && scalingFactor > 0, "scaling_factor", scalingFactor, "must be > 0");
    }

    /**
     * The check behind every VAE config rule.
     *
     * @throws IllegalArgumentException {@code "key = value: rule"} unless {@code ok}
     */
    public static void require(boolean ok, String key, @Nullable Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(key + " = " + value + ": " + rule);
        }
    }

    /** A float array read from JSON ({@code latents_mean}, {@code latents_std}) as an immutable list. */
    public static List<Float> floatList(float[] a) {
        Float[] out = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return List.of(out);
    }
}
