package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.nn.DiagonalGaussianDistribution;
import io.hunyuan4j.vae.kl.AutoencoderKL;
import io.hunyuan4j.vae.kl.AutoencoderKLConfig;
import io.hunyuan4j.vae.kl.AutoencoderKLTiling;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Fixture {@code hunyuandit_vae}: HunyuanDiT's 2D {@link AutoencoderKL} built from the fixture's
 * {@code config.json} and {@code weights.safetensors}, run on whichever of its inputs are present:
 *
 * <ul>
 *   <li>{@code image}: {@code encode.moments}, {@code encode.mean}, {@code encode.logvar}, {@code encode.std}
 *       and {@code forward.sample} (posterior mode), tiling off;</li>
 *   <li>{@code latent}: {@code decode.sample}, tiling off;</li>
 *   <li>{@code big_latent}: {@code big.decode_full} (tiling off) and {@code big.decode_tiled};</li>
 *   <li>{@code big_image}: {@code big.encode_full} and {@code big.encode_tiled}, the posterior's
 *       {@code parameters}.</li>
 * </ul>
 *
 * <p>The tiled outputs use {@code vae.enable_tiling()}'s attributes, which diffusers derives from the config alone
 * ({@link AutoencoderKLTiling#enableTiling}: tiles of {@code sample_size} pixels, overlap 0.25), as the fixture
 * generator does.
 */
public final class HunyuanDitVaeGolden implements GoldenComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "hunyuandit_vae";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        AutoencoderKLConfig config = AutoencoderKLConfig.fromJson(fx.config());
        ComponentOptions component = new ComponentOptions(manager.getDevice(), options.computeDtype(),
                LoadMode.EAGER);
        AutoencoderKLTiling off = AutoencoderKLTiling.defaults(config);
        AutoencoderKLTiling tiled = AutoencoderKLTiling.enableTiling(config);
        Set<String> inputs = fx.inputs().names();
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (AutoencoderKL vae = AutoencoderKL.fromWeights(config, fx.weights(), component, off)) {
            if (inputs.contains("image")) {
                NDArray image = fx.input("image", manager);
                DiagonalGaussianDistribution posterior = vae.encode(image, off);
                out.put("encode.moments", posterior.parameters());
                out.put("encode.mean", posterior.mean());
                out.put("encode.logvar", posterior.logvar());
                out.put("encode.std", posterior.std());
                out.put("forward.sample", vae.forward(image, off));
            }
            if (inputs.contains("latent")) {
                out.put("decode.sample", vae.decode(fx.input("latent", manager), off));
            }
            if (inputs.contains("big_latent")) {
                NDArray big = fx.input("big_latent", manager);
                out.put("big.decode_full", vae.decode(big, off));
                out.put("big.decode_tiled", vae.decode(big, tiled));
            }
            if (inputs.contains("big_image")) {
                NDArray big = fx.input("big_image", manager);
                out.put("big.encode_full", vae.encode(big, off).parameters());
                out.put("big.encode_tiled", vae.encode(big, tiled).parameters());
            }
        }
        return out;
    }
}
