package io.hunyuan4j.golden;

import io.hunyuan4j.core.nn.DiagonalGaussianDistribution;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.vae.AutoencoderKLHunyuanVideo;
import io.hunyuan4j.vae.VaeConfig;
import io.hunyuan4j.vae.VaeTiling;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Fixture {@code vae}: {@link AutoencoderKLHunyuanVideo} built from the fixture's {@code config.json} and
 * {@code weights.safetensors}, run on whichever of its inputs are present:
 *
 * <ul>
 *   <li>{@code video}: {@code encode.moments}, {@code encode.mean}, {@code encode.logvar}, {@code encode.std}
 *       and {@code forward.sample} (posterior mode), with diffusers' default tiling;</li>
 *   <li>{@code latent}: {@code decode.sample}, default tiling;</li>
 *   <li>{@code big_latent}: {@code big.decode_full} ({@link VaeTiling#none()}), {@code big.decode_default}
 *       ({@link VaeTiling#defaults()}) and {@code big.decode_tiled} (the fixture's tiling);</li>
 *   <li>{@code big_video}: {@code big.encode_full}, {@code big.encode_default} and {@code big.encode_tiled}, the
 *       posterior's {@code parameters} (moments) under the same three tilings.</li>
 * </ul>
 *
 * <p>The fixture's tiling ({@code enable_tiling} keyword arguments, see {@link #fixtureTiling}) comes from, in
 * order: a {@code "tiling"} object in {@code config.json}; the README line {@code tiling = {...}} that the
 * fixture generator writes (its {@code config.json} is diffusers' plain config); else a fallback derived from
 * the big input's latent shape: per axis, a tile of half the latent extent (at least 1 latent element) and a
 * stride of two thirds of the tile (rounded up), scaled to sample space by the config's compression ratios. For
 * the public [1, 4, 6, 6, 6] latent this is tiles 24/24/12 and strides 16/16/8, that fixture's arguments.
 */
public final class VaeGolden implements GoldenComponent {

    /** Where the README's tiling JSON opens: the word tiling (not use_tiling, not **tiling), '=', a brace. */
    private static final Pattern README_TILING = Pattern.compile("(?<![\\w.])tiling\\s*=\\s*\\{");

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "vae";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        VaeConfig config = VaeConfig.fromJson(configWithoutTiling(fx.config()));
        ComponentOptions component = new ComponentOptions(manager.getDevice(), options.computeDtype(),
                LoadMode.EAGER);
        Set<String> inputs = fx.inputs().names();
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (AutoencoderKLHunyuanVideo vae = AutoencoderKLHunyuanVideo.fromWeights(config, fx.weights(), component,
                VaeTiling.defaults())) {
            if (inputs.contains("video")) {
                NDArray video = fx.input("video", manager);
                DiagonalGaussianDistribution posterior = vae.encode(video, VaeTiling.defaults());
                out.put("encode.moments", posterior.parameters());
                out.put("encode.mean", posterior.mean());
                out.put("encode.logvar", posterior.logvar());
                out.put("encode.std", posterior.std());
                out.put("forward.sample", vae.forward(video, VaeTiling.defaults()));
            }
            if (inputs.contains("latent")) {
                out.put("decode.sample", vae.decode(fx.input("latent", manager), VaeTiling.defaults()));
            }
            if (inputs.contains("big_latent")) {
                NDArray big = fx.input("big_latent", manager);
                VaeTiling tiled = fixtureTiling(fx.config(), fx.readme(), config, big.getShape());
                out.put("big.decode_full", vae.decode(big, VaeTiling.none()));
                out.put("big.decode_default", vae.decode(big, VaeTiling.defaults()));
                out.put("big.decode_tiled", vae.decode(big, tiled));
            }
            if (inputs.contains("big_video")) {
                NDArray big = fx.input("big_video", manager);
                VaeTiling tiled = fixtureTiling(fx.config(), fx.readme(), config, latentShape(config,
                        big.getShape()));
                out.put("big.encode_full", vae.encode(big, VaeTiling.none()).parameters());
                out.put("big.encode_default", vae.encode(big, VaeTiling.defaults()).parameters());
                out.put("big.encode_tiled", vae.encode(big, tiled).parameters());
            }
        }
        return out;
    }

    /** The VAE's own keys: the fixture may carry an extra {@code tiling} entry beside them. */
    private static JsonConfig configWithoutTiling(JsonConfig j) {
        if (!j.has("tiling")) {
            return j;
        }
        var copy = j.json().deepCopy();
        copy.remove("tiling");
        return JsonConfig.of(j.source(), copy);
    }

    /**
     * The fixture's {@code enable_tiling(**tiling)} arguments as a {@link VaeTiling} (spatial and frame-wise tiling
     * on): the {@code "tiling"} entry of {@code config.json}, else the README's {@code tiling = {...}} line, else
     * derived from the latent shape (see the class notes).
     *
     * @param readme the fixture README's text ({@code ""} when it has none)
     * @param latentShape the big input's shape in latent space, [B, C, T', H', W']
     * @throws io.hunyuan4j.core.config.ConfigException if the stated tiling is malformed or invalid
     */
    static VaeTiling fixtureTiling(JsonConfig fixtureConfig, String readme, VaeConfig config, Shape latentShape) {
        if (fixtureConfig.has("tiling")) {
            return VaeTiling.fromJson(fixtureConfig.object("tiling"));
        }
        String stated = readmeTiling(readme);
        if (stated != null) {
            return VaeTiling.fromJson(JsonConfig.parse("README.md tiling", stated));
        }
        int r = config.spatialCompressionRatio();
        int tr = config.temporalCompressionRatio();
        long[] tile = new long[3];
        long[] stride = new long[3];
        for (int a = 0; a < 3; a++) {
            tile[a] = Math.max(1, latentShape.get(2 + a) / 2);
            stride[a] = Math.max(1, (2 * tile[a] + 2) / 3);
        }
        return new VaeTiling(true, true, true, (int) tile[1] * r, (int) tile[2] * r, (int) tile[0] * tr,
                (int) stride[1] * r, (int) stride[2] * r, (int) stride[0] * tr);
    }

    /**
     * The JSON object of the README line {@code tiling = {...}} (braces matched, so it may span lines), or
     * {@code null} when there is none.
     */
    static @Nullable String readmeTiling(String readme) {
        Matcher m = README_TILING.matcher(readme);
        if (!m.find()) {
            return null;
        }
        int start = m.end() - 1;
        int depth = 0;
        for (int i = start; i < readme.length(); i++) {
            char c = readme.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return readme.substring(start, i + 1);
            }
        }
        return null;
    }

    /** [B, C, T, H, W] video to the [B, 2 L, T', H', W'] shape its encoding has. */
    private static Shape latentShape(VaeConfig config, Shape video) {
        int r = config.spatialCompressionRatio();
        int tr = config.temporalCompressionRatio();
        return new Shape(video.get(0), 2L * config.latentChannels(), (video.get(2) - 1) / tr + 1, video.get(3) / r,
                video.get(4) / r);
    }
}
