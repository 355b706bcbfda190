package io.hunyuan4j.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.golden.GoldenComponent;
import io.hunyuan4j.core.golden.GoldenFixture;
import io.hunyuan4j.core.golden.GoldenOptions;
import io.hunyuan4j.core.pipeline.ComponentOptions;
import io.hunyuan4j.core.weights.LoadMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Fixture {@code vae}: {@link AutoencoderKLHunyuanVideo} built from the fixture's {@code config.json} and
 * {@code weights.safetensors}, run on whichever of its inputs are present:
 *
 * <ul>
 *   <li>{@code video}: {@code encode.moments}, {@code encode.mean}, {@code encode.logvar}, {@code encode.std}
 *       and {@code forward.sample} (posterior mode), with diffusers' default tiling;</li>
 *   <li>{@code latent}: {@code decode.sample}, default tiling;</li>
 *   <li>{@code big_latent}: {@code big.decode_full} ({@link VaeTiling#none()}), {@code big.decode_default}
 *       ({@link VaeTiling#defaults()}) and {@code big.decode_tiled} (spatial + frame-wise tiling).</li>
 * </ul>
 *
 * <p>The tiling of {@code big.decode_tiled}: a {@code "tiling"} object in {@code config.json} holding
 * {@code enable_tiling} keyword arguments, when present. The public fixture states its arguments only in its
 * README's prose, which is not parsed; the fallback derives them from {@code big_latent}'s shape: per axis, a
 * tile of half the latent extent (at least 1 latent element) and a stride of two thirds of the tile (rounded
 * up), scaled to sample space by the config's compression ratios. For the public [1, 4, 6, 6, 6] latent this is
 * tiles 24/24/12 and strides 16/16/8, the fixture's {@code enable_tiling} arguments.
 */
public final class VaeGolden implements GoldenComponent {

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
                out.put("big.decode_full", vae.decode(big, VaeTiling.none()));
                out.put("big.decode_default", vae.decode(big, VaeTiling.defaults()));
                out.put("big.decode_tiled", vae.decode(big, tiledDecodeTiling(fx.config(), config, big.getShape())));
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
     * The tiling of {@code big.decode_tiled}: the fixture's {@code "tiling"} entry when present, else derived
     * from the latent's shape (see the class notes).
     */
    static VaeTiling tiledDecodeTiling(JsonConfig fixtureConfig, VaeConfig config, Shape latentShape) {
        if (fixtureConfig.has("tiling")) {
            return VaeTiling.fromJson(fixtureConfig.object("tiling"));
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
}
