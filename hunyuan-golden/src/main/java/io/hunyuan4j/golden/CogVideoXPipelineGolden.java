package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.cogvideox.pipeline.CogVideoXCall;
import io.hunyuan4j.cogvideox.pipeline.CogVideoXOutput;
import io.hunyuan4j.cogvideox.pipeline.CogVideoXPipeline;
import io.hunyuan4j.cogvideox.pipeline.CogVideoXTrace;
import io.hunyuan4j.cogvideox.pipeline.ImageLatentEncoder;
import io.hunyuan4j.cogvideox.pipeline.VaeImageLatentEncoder;
import io.hunyuan4j.cogvideox.vae.AutoencoderKLCogVideoX;
import io.hunyuan4j.cogvideox.vae.CogVideoXTiling;
import io.hunyuan4j.cogvideox.vae.CogVideoXVaeConfig;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformer3DModel;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformerConfig;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.scheduler.CogVideoXDDIMScheduler;
import io.hunyuan4j.core.scheduler.CogVideoXDPMScheduler;
import io.hunyuan4j.core.scheduler.CogVideoXScheduler;
import io.hunyuan4j.core.scheduler.CogVideoXSchedulerConfig;
import io.hunyuan4j.core.scheduler.SchedulerNoise;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.TensorSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Fixture {@code cogvideox_pipeline/<case>}: diffusers' {@code CogVideoXPipeline} /
 * {@code CogVideoXImageToVideoPipeline.__call__} through {@link CogVideoXPipeline#call} with the fixture's
 * embeddings, initial latents and transformer; every per-step value comes from the pipeline's trace. torch's
 * generator is not reproduced: the noise source hands out the recorded draws ({@code image_latent_noise}, then
 * {@code scheduler_noise_draws}) in order.
 *
 * <p>By default (the no-argument constructor, which {@link GoldenCheck} discovers) the fixture's
 * {@link AutoencoderKLCogVideoX} ({@code vae.*} weights) decodes the video and, for image-to-video, encodes the
 * image and samples its posterior with the recorded {@code image_latent_noise}, so every output is produced.
 * {@link #latentOnly()} skips the VAE: the decoded outputs are not produced and the encoder's sample comes from
 * the fixture's {@code image_latents}.
 */
public final class CogVideoXPipelineGolden implements PipelineComponent {

    private final boolean withVae;

    /** With the fixture's CogVideoX VAE: every output. */
    public CogVideoXPipelineGolden() {
        this(true);
    }

    private CogVideoXPipelineGolden(boolean withVae) {
        this.withVae = withVae;
    }

    /** Without a VAE: latent-level outputs only (no {@code video}, {@code video_decoded_raw}). */
    public static CogVideoXPipelineGolden latentOnly() {
        return new CogVideoXPipelineGolden(false);
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "cogvideox_pipeline";
    }

    /** {@inheritDoc} */
    @Override
    public String rawPredictionOutput() {
        return "noise_pred_raw";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        JsonConfig config = fx.config();
        JsonConfig call = config.object("call");
        JsonConfig vaeConfig = config.object("vae");
        JsonConfig sched = config.object("scheduler");
        CogVideoXSchedulerConfig sc = CogVideoXSchedulerConfig.fromJson(sched.object("config"));
        CogVideoXScheduler scheduler = sched.getString("class").equals("CogVideoXDPMScheduler")
                ? new CogVideoXDPMScheduler(sc) : new CogVideoXDDIMScheduler(sc);
        TensorSource weights = fx.weights();
        TensorSource vaeWeights = new PrefixedTensors(weights, "vae.");
        boolean i2v = call.getString("pipeline").equals("CogVideoXImageToVideoPipeline");
        float scaling = vaeConfig.getFloat("scaling_factor");
        boolean invert = vaeConfig.getBoolean("invert_scale_latents", false);
        ComponentOptions co = new ComponentOptions(options.device(), options.computeDtype(), LoadMode.EAGER);
        CogVideoXVaeConfig vc = CogVideoXVaeConfig.fromJson(vaeConfig);
        try (AutoencoderKLCogVideoX decoder = withVae
                ? AutoencoderKLCogVideoX.fromWeights(vc, vaeWeights, co, CogVideoXTiling.defaults(vc)) : null) {
            ImageLatentEncoder encoder = null;
            if (i2v) {
                encoder = decoder != null ? new VaeImageLatentEncoder(decoder)
                        : fromReference(fx.outputs().load("image_latents", manager, DataType.FLOAT32), scaling,
                                invert);
            }
            return run(fx, manager, co, config, scheduler, decoder, encoder, invert);
        }
    }

    private Map<String, NDArray> run(GoldenFixture fx, NDManager manager, ComponentOptions co, JsonConfig config,
            CogVideoXScheduler scheduler, @Nullable AutoencoderKLCogVideoX decoder,
            @Nullable ImageLatentEncoder encoder, boolean invert) {
        JsonConfig call = config.object("call");
        JsonConfig vaeConfig = config.object("vae");
        TensorSource weights = fx.weights();
        boolean i2v = encoder != null;
        boolean comp = decoder != null;
        Map<String, NDArray> out = new LinkedHashMap<>();
        List<NDArray> noise = new ArrayList<>();
        int imageDraws = 0;
        if (i2v && comp) {
            // one posterior draw [1, C, 1, h, w] per image, before the scheduler's
            NDArray imageNoise = fx.outputs().load("image_latent_noise", manager, DataType.FLOAT32);
            imageDraws = Math.toIntExact(imageNoise.getShape().get(0));
            for (int i = 0; i < imageDraws; i++) {
                noise.add(imageNoise.get("{}:{}", i, i + 1));
            }
        }
        if (fx.outputs().names().contains("scheduler_noise_draws")) {
            NDArray draws = fx.outputs().load("scheduler_noise_draws", manager, DataType.FLOAT32);
            for (int i = 0; i < draws.getShape().get(0); i++) {
                noise.add(draws.get(i));
            }
        }
        Recorded recorded = new Recorded(noise);
        try (CogVideoXTransformer3DModel transformer = CogVideoXTransformer3DModel.fromWeights(
                CogVideoXTransformerConfig.fromJson(config.object("transformer")),
                new PrefixedTensors(weights, "transformer."), co, "golden/cogvideox_pipeline [transformer.*]")) {
            LatentDecoder vae = decoder != null ? decoder : new ConfigOnlyDecoder(vaeConfig);
            CogVideoXPipeline.Builder b = CogVideoXPipeline.builder(transformer, scheduler, vae);
            if (encoder != null) {
                b.imageEncoder(encoder, invert);
            }
            CogVideoXPipeline pipe = b.model("golden/" + fx.name()).device(co.device()).build();
            Trace trace = new Trace(manager, scheduler.stochastic() ? recorded : null);
            CogVideoXCall c = new CogVideoXCall(fx.input("prompt_embeds", manager),
                    fx.input("negative_prompt_embeds", manager), fx.input("latents", manager),
                    i2v ? fx.input("image", manager) : null, call.getInt("height"), call.getInt("width"),
                    call.getInt("num_frames"), call.getInt("num_inference_steps"),
                    call.getDouble("guidance_scale", 6.0), call.getBoolean("use_dynamic_cfg", false), recorded,
                    decoder != null);
            CogVideoXOutput result = pipe.call(c, manager, trace);
            out.put("latents", result.latents());
            out.put("timesteps", manager.create(trace.timesteps.stream().mapToLong(Long::longValue).toArray()));
            out.put("guidance_scales", manager.create(trace.guidance.stream().mapToDouble(Double::doubleValue)
                    .toArray()));
            out.put("step_latents", NDArrays.stack(new NDList(trace.latents), 0));
            out.put("noise_pred_raw", NDArrays.stack(new NDList(trace.raw), 0));
            out.put("noise_pred_guided", NDArrays.stack(new NDList(trace.guided), 0));
            out.put("pred_original_sample", NDArrays.stack(new NDList(trace.x0), 0));
            trace.putOthers(out);
            if (!noise.isEmpty() && scheduler.stochastic()) {
                out.put("scheduler_noise_draws", NDArrays.stack(new NDList(recorded.handedOut(imageDraws)), 0));
                out.put("scheduler_noise_used", NDArrays.stack(new NDList(trace.used), 0));
            }
            if (imageDraws > 0) {
                out.put("image_latent_noise", NDArrays.concat(new NDList(recorded.given.subList(0, imageDraws)), 0));
            }
            NDArray video = result.video();
            if (video != null) {
                out.put("video", video);
            }
        }
        return out;
    }

    /**
     * An encoder that returns the posterior sample implied by the fixture's {@code image_latents} (frame 0 of
     * image b, unscaled): the stand-in used while no CogVideoX VAE is available.
     */
    static ImageLatentEncoder fromReference(NDArray imageLatents, float scaling, boolean invert) {
        int[] next = {0};
        return (image, noise) -> {
            // [B, F', C, h, w] -> frame 0 of the next image as [1, C, 1, h, w]
            NDArray z = imageLatents.get("{}:{}, 0:1", next[0], next[0] + 1).transpose(0, 2, 1, 3, 4);
            next[0]++;
            NDArray raw = invert ? z.mul((float) (1 / (1 / (double) scaling))) : z.div(scaling);
            NDArray copy = image.getManager().zeros(raw.getShape(), DataType.FLOAT32).add(raw);
            return copy;
        };
    }

    /** The recorded draws, in order. */
    private static final class Recorded implements SchedulerNoise {
        final List<NDArray> draws;
        final List<NDArray> given = new ArrayList<>();
        int next;

        Recorded(List<NDArray> draws) {
            this.draws = draws;
        }

        @Override
        public NDArray randn(ai.djl.ndarray.types.Shape shape, NDManager manager) {
            if (next >= draws.size()) {
                throw new IllegalStateException("the pipeline drew more noise than the " + draws.size() + " recorded");
            }
            NDArray d = draws.get(next++);
            if (!d.getShape().equals(shape)) {
                throw new IllegalStateException("noise draw " + (next - 1) + " has shape " + shape + " but the"
                        + " recorded one " + d.getShape());
            }
            given.add(d);
            return manager.zeros(shape, DataType.FLOAT32).add(d);
        }

        List<NDArray> handedOut(int skipImageDraws) {
            return given.subList(skipImageDraws, given.size());
        }
    }

    /** Copies every traced value into the golden manager. */
    private static final class Trace implements CogVideoXTrace {
        private final NDManager keep;
        final List<Long> timesteps = new ArrayList<>();
        final List<Double> guidance = new ArrayList<>();
        final List<NDArray> raw = new ArrayList<>();
        final List<NDArray> guided = new ArrayList<>();
        final List<NDArray> x0 = new ArrayList<>();
        final List<NDArray> latents = new ArrayList<>();
        final List<NDArray> used = new ArrayList<>();
        final Map<String, NDArray> others = new LinkedHashMap<>();
        private final @Nullable Recorded recorded;

        Trace(NDManager keep, @Nullable Recorded recorded) {
            this.keep = keep;
            this.recorded = recorded;
        }

        private NDArray copy(NDArray a) {
            NDArray c = a.duplicate();
            c.attach(keep);
            return c;
        }

        @Override
        public void onRotaryEmbedding(RotaryEmbedding rope) {
            others.put("image_rotary_emb.cos", copy(rope.cos()));
            others.put("image_rotary_emb.sin", copy(rope.sin()));
        }

        @Override
        public void onImagePreprocessed(NDArray image) {
            others.put("image_preprocessed", copy(image));
        }

        @Override
        public void onImageLatents(NDArray imageLatents) {
            others.put("image_latents", copy(imageLatents));
        }

        @Override
        public void onStep(Step s) {
            timesteps.add(s.timestep());
            guidance.add(s.guidanceScale());
            raw.add(copy(s.noisePredRaw()));
            guided.add(copy(s.noisePredGuided()));
            x0.add(copy(s.predOriginalSample()));
            latents.add(copy(s.latents()));
            Recorded r = recorded;
            if (r != null && !r.given.isEmpty()) {
                used.add(r.given.get(r.given.size() - 1)); // the step's last draw is the one it used
            }
        }

        @Override
        public void onDecodedRaw(NDArray video) {
            others.put("video_decoded_raw", copy(video));
        }

        void putOthers(Map<String, NDArray> out) {
            out.putAll(others);
        }
    }

    /** Stands in for the decoder when only latents are compared: the config's factors, no weights. */
    private static final class ConfigOnlyDecoder implements LatentDecoder {
        private final float scaling;
        private final int channels;
        private final int temporal;
        private final int spatial;

        ConfigOnlyDecoder(JsonConfig vae) {
            this.scaling = vae.getFloat("scaling_factor");
            this.channels = vae.getInt("latent_channels");
            this.temporal = vae.getInt("temporal_compression_ratio", 4);
            this.spatial = 1 << (vae.getIntArray("block_out_channels").length - 1);
        }

        @Override
        public NDArray decode(NDArray latents) {
            throw new IllegalStateException("no CogVideoX VAE: the latent-level comparison does not decode");
        }

        @Override
        public float scalingFactor() {
            return scaling;
        }

        @Override
        public int latentChannels() {
            return channels;
        }

        @Override
        public int temporalCompression() {
            return temporal;
        }

        @Override
        public int spatialCompression() {
            return spatial;
        }

        @Override
        public void close() {
        }
    }
}
