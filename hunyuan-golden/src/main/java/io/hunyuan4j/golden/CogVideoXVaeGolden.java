package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.cogvideox.vae.AutoencoderKLCogVideoX;
import io.hunyuan4j.cogvideox.vae.CogVideoXTiling;
import io.hunyuan4j.cogvideox.vae.CogVideoXVaeConfig;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.nn.DiagonalGaussianDistribution;
import io.hunyuan4j.core.weights.LoadMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Fixture {@code cogvideox_vae}: {@link AutoencoderKLCogVideoX} built from {@code config.json}'s {@code vae}
 * object and {@code weights.safetensors}, each call on a fresh default state as the fixture's generator does:
 *
 * <ul>
 *   <li>{@code video}: {@code encode.moments}, {@code encode.mean}, {@code encode.logvar}, {@code encode.std}
 *       (default frame batching), {@code encode.sample} from the recorded {@code encode.sample_noise} (which is
 *       returned as given), and {@code encode_single_batch.moments} (all frames in one encoder pass);</li>
 *   <li>{@code latent}: {@code decode.sample} (default batching) and {@code decode_single_batch.sample};</li>
 *   <li>{@code tiled.latent} / {@code tiled.video}: {@code tiled.decode.sample} and {@code tiled.encode.moments}
 *       after {@code enable_tiling(**call.tiling)}.</li>
 * </ul>
 */
public final class CogVideoXVaeGolden implements GoldenComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "cogvideox_vae";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        JsonConfig root = fx.config();
        CogVideoXVaeConfig config = CogVideoXVaeConfig.fromJson(root.object("vae"));
        CogVideoXTiling defaults = CogVideoXTiling.defaults(config);
        ComponentOptions component = new ComponentOptions(manager.getDevice(), options.computeDtype(),
                LoadMode.EAGER);
        Set<String> inputs = fx.inputs().names();
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (AutoencoderKLCogVideoX vae = AutoencoderKLCogVideoX.fromWeights(config, fx.weights(), component,
                defaults)) {
            if (inputs.contains("video")) {
                NDArray video = fx.input("video", manager);
                DiagonalGaussianDistribution posterior = vae.encode(video);
                out.put("encode.moments", posterior.parameters());
                out.put("encode.mean", posterior.mean());
                out.put("encode.logvar", posterior.logvar());
                out.put("encode.std", posterior.std());
                if (fx.outputs().names().contains("encode.sample_noise")) {
                    NDArray noise = fx.outputs().load("encode.sample_noise", manager,
                            ai.djl.ndarray.types.DataType.FLOAT32);
                    out.put("encode.sample", posterior.sample(noise));
                    out.put("encode.sample_noise", noise);
                }
                int frames = (int) video.getShape().get(2);
                out.put("encode_single_batch.moments", vae.encode(video,
                        defaults.withFrameBatches(frames, defaults.numLatentFramesBatchSize())).parameters());
            }
            if (inputs.contains("latent")) {
                NDArray latent = fx.input("latent", manager);
                out.put("decode.sample", vae.decode(latent));
                int frames = (int) latent.getShape().get(2);
                out.put("decode_single_batch.sample", vae.decode(latent,
                        defaults.withFrameBatches(defaults.numSampleFramesBatchSize(), frames)));
            }
            JsonConfig call = root.has("call") ? root.object("call") : JsonConfig.parse("no call", "{}");
            CogVideoXTiling tiled = CogVideoXTiling.enableTiling(config,
                    call.has("tiling") ? call.object("tiling") : JsonConfig.parse("no tiling", "{}"));
            if (inputs.contains("tiled.latent")) {
                out.put("tiled.decode.sample", vae.decode(fx.input("tiled.latent", manager), tiled));
            }
            if (inputs.contains("tiled.video")) {
                out.put("tiled.encode.moments", vae.encode(fx.input("tiled.video", manager), tiled).parameters());
            }
        }
        return out;
    }
}
