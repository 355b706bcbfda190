package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.Denoiser;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.api.ImageConditionType;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.api.LatentEncoder;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.api.PromptEncoder;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.pipeline.CancellationToken;
import io.hunyuan4j.core.pipeline.ConditionImage;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Latents;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.core.scheduler.FlowMatchEulerScheduler;
import io.hunyuan4j.core.scheduler.SchedulerConfig;
import io.hunyuan4j.core.weights.TensorSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Fixture {@code pipeline}: diffusers' {@code HunyuanVideoPipeline.__call__} end to end with precomputed prompt
 * embeddings and fixed initial latents, run through {@link VideoPipeline} with the DiT and VAE built from the
 * fixture's {@code config.json} sections and {@code weights.safetensors} ({@code transformer.*},
 * {@code vae.*}). Per-step latents come from the step listener, noise predictions and the raw decode from
 * recording wrappers around the components, so the pipeline runs unmodified.
 */
public final class PipelineGolden implements PipelineComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "pipeline";
    }

    /** {@inheritDoc} */
    @Override
    public String rawPredictionOutput() {
        return "noise_preds";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        JsonConfig config = fx.config();
        JsonConfig call = config.object("call");
        TensorSource weights = fx.weights();
        Recording.Denoiser dit = new Recording.Denoiser(FixtureComponents.transformer(config.object("transformer"),
                new PrefixedTensors(weights, "transformer."), options), manager);
        Recording.Decoder vae = new Recording.Decoder(FixtureComponents.vae(config.object("vae"),
                new PrefixedTensors(weights, "vae."), options), manager);
        PromptEmbeds embeds = new PromptEmbeds(fx.input("prompt_embeds", manager),
                fx.input("prompt_attention_mask", manager), fx.input("pooled_prompt_embeds", manager),
                java.util.Collections.nCopies((int) fx.input("prompt_embeds", manager).getShape().get(0), 0));
        GenerationRequest request = GenerationRequest.ofEmbeds(embeds)
                .withSize(call.getInt("height"), call.getInt("width")).withFrames(call.getInt("num_frames"))
                .withSteps(call.getInt("num_inference_steps"))
                .withGuidanceScale(call.getFloat("guidance_scale"))
                .withTrueCfgScale(call.getFloat("true_cfg_scale", 1f))
                .withInitialLatents(Latents.of(fx.input("latents", manager)));
        if (fx.inputs().names().contains("image")) {
            request = request.withImage(conditionImage(fx.input("image", manager)));
        }
        if (fx.inputs().names().contains("negative_prompt_embeds")) {
            request = request.withNegativePromptEmbeds(new PromptEmbeds(fx.input("negative_prompt_embeds", manager),
                    fx.input("negative_prompt_attention_mask", manager),
                    fx.input("negative_pooled_prompt_embeds", manager), java.util.Collections.nCopies(
                            (int) fx.input("negative_prompt_embeds", manager).getShape().get(0), 0)));
        }
        if (fx.inputs().names().contains("image_noise")) {
            // the posterior sample's standard-normal draw of the Python run (SkyReels' retrieve_latents)
            vae.sampleNoise = fx.input("image_noise", manager);
        }
        List<NDArray> stepLatents = new ArrayList<>();
        float[] timesteps = new float[request.steps()];
        List<Video> videos;
        try (VideoPipeline pipe = VideoPipeline.builder(dit, new NoTextEncoder(), vae)
                .scheduler(new FlowMatchEulerScheduler(SchedulerConfig.fromJson(config.object("scheduler"))))
                .computeDtype(options.computeDtype()).device(options.device()).model("golden/pipeline").build()) {
            videos = pipe.generateBatch(request, e -> {
                stepLatents.add(e.latents().duplicate().toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
                stepLatents.get(stepLatents.size() - 1).attach(manager);
                timesteps[e.index()] = e.timestep();
            }, CancellationToken.none());
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("timesteps", manager.create(timesteps));
        out.put("step_latents", NDArrays.stack(new NDList(stepLatents), 0));
        out.put("latents", stepLatents.get(stepLatents.size() - 1));
        out.put("noise_preds", NDArrays.stack(new NDList(dit.outputs), 0));
        out.put("video_decoded_raw", Objects.requireNonNull(vae.output, "the pipeline never decoded"));
        NDList items = new NDList();
        for (Video v : videos) {
            items.add(videoTensor(v, manager));
        }
        out.put("video", NDArrays.stack(items, 0));
        if (vae.imageLatents != null) {
            out.put("image_latents", vae.imageLatents);
        }
        return out;
    }

    /** An image-to-video fixture's {@code image} [1, 3, H, W] in [0, 1] as the request's image. */
    private static ConditionImage conditionImage(NDArray image) {
        int h = (int) image.getShape().get(2);
        int w = (int) image.getShape().get(3);
        // [1, 3, H, W] -> [H, W, 3]
        float[] rgb = image.get(0).transpose(1, 2, 0).toFloatArray();
        return ConditionImage.ofPixels(rgb, h, w);
    }

    /** [F, 3, H, W]: one item of diffusers' {@code output_type="pt"} layout. */
    private static NDArray videoTensor(Video v, NDManager manager) {
        NDList frames = new NDList();
        for (int f = 0; f < v.frameCount(); f++) {
            // [H, W, 3] -> [3, H, W]
            frames.add(manager.create(v.frame(f), new ai.djl.ndarray.types.Shape(v.height(), v.width(), 3))
                    .transpose(2, 0, 1));
        }
        return NDArrays.stack(frames, 0);
    }

    /** The fixture passes embeddings; the pipeline must never call a text encoder. */
    private static final class NoTextEncoder implements PromptEncoder {
        @Override
        public PromptEmbeds encode(List<String> prompts, NDManager manager) {
            throw new IllegalStateException("the pipeline fixture passes prompt embeddings; no text encoder runs");
        }

        @Override
        public void close() {
        }
    }

    /** Wrappers that copy each component output into the golden manager, as diffusers' forward hooks do. */
    static final class Recording {
        private Recording() {}

        static final class Denoiser implements io.hunyuan4j.core.api.Denoiser {
            private final io.hunyuan4j.core.api.Denoiser inner;
            private final NDManager keep;
            final List<NDArray> outputs = new ArrayList<>();

            Denoiser(io.hunyuan4j.core.api.Denoiser inner, NDManager keep) {
                this.inner = inner;
                this.keep = keep;
            }

            @Override
            public NDArray forward(DenoiserInput input) {
                NDArray out = inner.forward(input);
                NDArray copy = out.duplicate();
                copy.attach(keep);
                outputs.add(copy);
                return out;
            }

            @Override
            public int inChannels() {
                return inner.inChannels();
            }

            @Override
            public int patchSize() {
                return inner.patchSize();
            }

            @Override
            public int patchSizeT() {
                return inner.patchSizeT();
            }

            @Override
            public boolean guidanceEmbeds() {
                return inner.guidanceEmbeds();
            }

            @Override
            public ImageConditionType imageConditionType() {
                return inner.imageConditionType();
            }

            @Override
            public void close() {
                inner.close();
            }
        }

        static final class Decoder implements LatentDecoder, LatentEncoder {
            private final LatentDecoder inner;
            private final NDManager keep;
            @Nullable NDArray output;
            @Nullable NDArray imageLatents;
            @Nullable NDArray sampleNoise;

            /** The image latents as diffusers' {@code prepare_latents} scales them. */
            @Override
            public NDArray encodeMode(NDArray video) {
                NDArray out = ((LatentEncoder) inner).encodeMode(video);
                imageLatents = out.mul(inner.scalingFactor());
                imageLatents.attach(keep);
                return out;
            }

            /** The image latents of a posterior sample, with the fixture's noise when it has one. */
            @Override
            public NDArray encodeSample(NDArray video, NDArray noise) {
                NDArray out = ((LatentEncoder) inner).encodeSample(video, sampleNoise != null ? sampleNoise : noise);
                imageLatents = out.mul(inner.scalingFactor());
                imageLatents.attach(keep);
                return out;
            }

            Decoder(LatentDecoder inner, NDManager keep) {
                this.inner = inner;
                this.keep = keep;
            }

            @Override
            public NDArray decode(NDArray latents) {
                NDArray out = inner.decode(latents);
                output = out.duplicate();
                output.attach(keep);
                return out;
            }

            @Override
            public float scalingFactor() {
                return inner.scalingFactor();
            }

            @Override
            public int latentChannels() {
                return inner.latentChannels();
            }

            @Override
            public int temporalCompression() {
                return inner.temporalCompression();
            }

            @Override
            public int spatialCompression() {
                return inner.spatialCompression();
            }

            @Override
            public void close() {
                inner.close();
            }
        }
    }

}
