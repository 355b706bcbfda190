package io.hunyuan4j.cogvideox.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.cogvideox.transformer.CogVideoXRotaryPosEmbed;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformer3DModel;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformerConfig;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformerInput;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.api.PromptEncoder;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.offload.OffloadPlan;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.pipeline.CancellationToken;
import io.hunyuan4j.core.pipeline.ConditionImage;
import io.hunyuan4j.core.pipeline.GenerationCancelledException;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Guidance;
import io.hunyuan4j.core.pipeline.Generator;
import io.hunyuan4j.core.pipeline.Latents;
import io.hunyuan4j.core.pipeline.Provenance;
import io.hunyuan4j.core.pipeline.StepEvent;
import io.hunyuan4j.core.pipeline.StepListener;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.scheduler.CogVideoXScheduler;
import io.hunyuan4j.core.scheduler.CogVideoXStepState;
import io.hunyuan4j.core.scheduler.SchedulerNoise;
import io.hunyuan4j.core.transformer.IntermediateListener;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * diffusers' {@code CogVideoXPipeline} (text-to-video) and {@code CogVideoXImageToVideoPipeline} (image-to-video),
 * stage for stage: classifier-free guidance over a batched {@code [negative ; positive]} transformer call, static
 * or dynamic guidance scale, the RoPE table, image latents concatenated on channels (noisy latents first), the
 * CogVideoX 1.5 frame padding, DDIM or DPM steps, and the VAE decode of {@code latents / scaling_factor}.
 *
 * <p>Two entries: {@link #call} takes precomputed T5 embeddings ({@link CogVideoXCall}, the lower level), and
 * {@link #generateBatch(GenerationRequest, NDArray, StepListener, CancellationToken)} (and the other
 * {@link Generator} entries) maps a {@link GenerationRequest} onto it (prompt embeddings from the request or from
 * the builder's {@link PromptEncoder}).
 *
 * <pre>{@code
 * CogVideoXPipeline pipe = CogVideoXPipeline.builder(transformer, new CogVideoXDDIMScheduler(cfg), vae)
 *         .useDynamicCfg(true).build();
 * CogVideoXOutput out = pipe.call(new CogVideoXCall(embeds, negEmbeds, null, null, 480, 720, 49, 50, 6.0,
 *         true, SchedulerNoise.seeded(42), true), manager, CogVideoXTrace.NONE);
 * }</pre>
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/cogvideo/pipeline_cogvideox.py">diffusers CogVideoXPipeline</a>
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/cogvideo/pipeline_cogvideox_image2video.py">diffusers CogVideoXImageToVideoPipeline</a>
 */
public final class CogVideoXPipeline implements Generator {

    /** The family name ({@link Generator#family()}, the CLI's {@code --family}). */
    public static final String FAMILY = "cogvideox";

    /** diffusers' {@code __call__} default height. */
    public static final int DEFAULT_HEIGHT = 480;

    /** diffusers' {@code __call__} default width. */
    public static final int DEFAULT_WIDTH = 720;

    /** diffusers' {@code __call__} default {@code num_frames}. */
    public static final int DEFAULT_FRAMES = 49;

    /** diffusers' {@code __call__} default {@code num_inference_steps}. */
    public static final int DEFAULT_STEPS = 50;

    /** diffusers' {@code __call__} default {@code guidance_scale}. */
    public static final float DEFAULT_GUIDANCE_SCALE = 6.0f;

    /** diffusers' {@code export_to_video} fps in the CogVideoX examples. */
    public static final int DEFAULT_FPS = 8;

    /** diffusers' {@code scheduler.init_noise_sigma} of both CogVideoX schedulers. */
    static final float INIT_NOISE_SIGMA = 1.0f;

    private final CogVideoXTransformer3DModel transformer;
    private final CogVideoXScheduler scheduler;
    private final LatentDecoder vae;
    private final @Nullable ImageLatentEncoder imageEncoder;
    private final boolean invertScaleLatents;
    private final @Nullable PromptEncoder promptEncoder;
    private final boolean useDynamicCfg;
    private final String model;
    private final Offload offload;
    private final Device device;
    private final long memoryBudget;
    private final List<AutoCloseable> owned;
    private boolean closed;

    private CogVideoXPipeline(Builder b) {
        this.transformer = b.transformer;
        this.scheduler = b.scheduler;
        this.vae = b.vae;
        this.imageEncoder = b.imageEncoder;
        this.invertScaleLatents = b.invertScaleLatents;
        this.promptEncoder = b.promptEncoder;
        this.useDynamicCfg = b.useDynamicCfg;
        this.model = b.model;
        this.offload = b.offload;
        this.device = b.device;
        this.memoryBudget = b.memoryBudget;
        this.owned = List.copyOf(b.owned);
    }

    /**
     * A builder over the required components.
     *
     * @param transformer the denoiser
     * @param scheduler {@code CogVideoXDDIMScheduler} or {@code CogVideoXDPMScheduler}
     * @param vae the decoder (its scaling factor and compression factors are the pipeline's)
     */
    public static Builder builder(CogVideoXTransformer3DModel transformer, CogVideoXScheduler scheduler,
            LatentDecoder vae) {
        return new Builder(transformer, scheduler, vae);
    }

    /** Builds a {@link CogVideoXPipeline}; required components are the arguments of {@link #builder}. */
    public static final class Builder {
        private final CogVideoXTransformer3DModel transformer;
        private final CogVideoXScheduler scheduler;
        private final LatentDecoder vae;
        private @Nullable ImageLatentEncoder imageEncoder;
        private boolean invertScaleLatents;
        private @Nullable PromptEncoder promptEncoder;
        private boolean useDynamicCfg;
        private String model = "cogvideox";
        private Offload offload = Offload.NONE;
        private Device device = Device.cpu();
        private long memoryBudget = Long.MAX_VALUE;
        private final List<AutoCloseable> owned = new ArrayList<>();

        private Builder(CogVideoXTransformer3DModel transformer, CogVideoXScheduler scheduler, LatentDecoder vae) {
            this.transformer = transformer;
            this.scheduler = scheduler;
            this.vae = vae;
        }

        /**
         * Image-to-video: the VAE encoder, and its config's {@code invert_scale_latents} (CogVideoX 1.5: the image
         * latents are divided by the scaling factor instead of multiplied).
         */
        public Builder imageEncoder(ImageLatentEncoder encoder, boolean invertScaleLatents) {
            this.imageEncoder = encoder;
            this.invertScaleLatents = invertScaleLatents;
            return this;
        }

        /** The T5 encoder {@link #generateBatch(GenerationRequest, NDArray, StepListener, CancellationToken)} uses for text prompts. */
        public Builder promptEncoder(PromptEncoder encoder) {
            this.promptEncoder = encoder;
            return this;
        }

        /** diffusers' {@code use_dynamic_cfg} for {@link #generateBatch(GenerationRequest, NDArray, StepListener, CancellationToken)} (default false). */
        public Builder useDynamicCfg(boolean dynamic) {
            this.useDynamicCfg = dynamic;
            return this;
        }

        /**
         * The offload mode (default {@link Offload#NONE}): with {@code MODEL} the transformer's and the VAE's
         * weights are placed only for their stage, with {@code BLOCK} one transformer block at a time; both need
         * the components bound LAZY. docs/offload.md.
         */
        public Builder offload(Offload mode) {
            this.offload = mode;
            return this;
        }

        /** The device weights are placed on under offload (default CPU). */
        public Builder device(Device d) {
            this.device = d;
            return this;
        }

        /** The most weight bytes the offloader places on the device at once (default unbounded). */
        public Builder memoryBudget(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("memoryBudget must be positive but is " + bytes);
            }
            this.memoryBudget = bytes;
            return this;
        }

        /**
         * Components the pipeline owns: {@link CogVideoXPipeline#close()} closes them in reverse order (a loader
         * passes the transformer, VAE and prompt encoder it opened).
         */
        public Builder owns(AutoCloseable component) {
            this.owned.add(component);
            return this;
        }

        /** Where the components came from, for provenance. */
        public Builder model(String description) {
            this.model = description;
            return this;
        }

        /**
         * Checks that the components fit together.
         *
         * @throws IllegalArgumentException if the VAE's latent channels do not match the transformer's, or the
         *     offload mode cannot run the components within the memory budget (or they are not bound LAZY)
         */
        public CogVideoXPipeline build() {
            int latentChannels = transformer.config().inChannels() / (imageEncoder != null ? 2 : 1);
            if (imageEncoder != null && transformer.config().inChannels() % 2 != 0) {
                throw new IllegalArgumentException("image-to-video needs an even in_channels (latents + image"
                        + " latents) but the transformer has " + transformer.config().inChannels());
            }
            if (vae.latentChannels() != transformer.config().outChannels() || vae.latentChannels() != latentChannels) {
                throw new IllegalArgumentException("the VAE has " + vae.latentChannels() + " latent channels but the"
                        + " transformer takes " + transformer.config().inChannels() + " and returns "
                        + transformer.config().outChannels() + (imageEncoder != null ? " (image-to-video)" : ""));
            }
            OffloadPlan.of(offload, device, transformer.computeDtype(), memoryBudget, List.of(transformer, vae))
                    .checkBudget();
            return new CogVideoXPipeline(this);
        }
    }

    /**
     * diffusers' dynamic classifier-free guidance, {@code 1 + s * (1 - cos(pi * ((N - t) / N) ** 5.0)) / 2}, in
     * float64 with the INTEGER timestep t. For t much larger than N the cosine's argument is huge, so the fifth
     * power is rounded correctly (as glibc's {@code pow} does) rather than by {@code Math.pow}.
     */
    public static double dynamicGuidanceScale(double guidanceScale, int numInferenceSteps, long timestep) {
        double x = (double) (numInferenceSteps - timestep) / numInferenceSteps;
        double pow5 = new BigDecimal(x).pow(5).doubleValue();
        return 1 + guidanceScale * (1 - StrictMath.cos(Math.PI * pow5)) / 2;
    }

    /**
     * Runs the pipeline with precomputed embeddings.
     *
     * @param manager where the returned arrays live
     * @param trace receives the per-step values
     * @throws IllegalArgumentException for inputs that do not fit the model, before any model work
     */
    public CogVideoXOutput call(CogVideoXCall c, NDManager manager, CogVideoXTrace trace) {
        CogVideoXTransformerConfig tc = transformer.config();
        int spatial = vae.spatialCompression();
        int temporal = vae.temporalCompression();
        // 1. Check inputs
        checkInputs(c, spatial);
        boolean cfg = c.doClassifierFreeGuidance();
        try (NDManager gen = manager.newSubManager();
                CogVideoXStepState state = CogVideoXStepState.create(gen)) {
            // 3. Encode input prompt (precomputed): [negative ; positive] for guidance
            NDArray promptEmbeds = c.promptEmbeds();
            if (cfg) {
                promptEmbeds = NDArrays.concat(new NDList(nonNull(c.negativePromptEmbeds()), promptEmbeds), 0);
                promptEmbeds.attach(gen);
            }
            // 4. Prepare timesteps
            long[] timesteps = scheduler.timesteps(c.numInferenceSteps());
            // 5. Prepare latents: CogVideoX 1.5 pads the latent frames to a multiple of patch_size_t
            int latentFrames = (c.numFrames() - 1) / temporal + 1;
            int pt = tc.temporalPatch();
            int additionalFrames = tc.patchSizeT() != null && latentFrames % pt != 0 ? pt - latentFrames % pt : 0;
            int numFrames = c.numFrames() + additionalFrames * temporal;
            long batch = c.promptEmbeds().getShape().get(0);
            int frames = (numFrames - 1) / temporal + 1;
            int h = c.height() / spatial;
            int w = c.width() / spatial;
            boolean i2v = c.image() != null;
            int latentChannels = i2v ? tc.inChannels() / 2 : tc.inChannels();
            NDArray imageLatents = i2v ? prepareImageLatents(gen, nonNull(c.image()), c, frames, latentChannels, h, w,
                    trace) : null;
            Shape shape = new Shape(batch, frames, latentChannels, h, w);
            NDArray latents = prepareLatents(gen, c, shape);
            // 7. Create rotary embeds if required
            RotaryEmbedding rope = tc.useRotaryPositionalEmbeddings()
                    ? CogVideoXRotaryPosEmbed.forLatents(gen, tc, frames, h, w) : null;
            if (rope != null) {
                trace.onRotaryEmbedding(rope);
            }
            // 8. Create ofs embeds if required
            NDArray ofs = tc.ofsEmbedDim() == null ? null
                    : HostArrays.floats(gen, CogVideoXTransformer3DModel.PIPELINE_OFS);
            Prepared prepared = new Prepared(promptEmbeds, timesteps, latents, imageLatents, rope, ofs, batch);
            OffloadPlan placement = offloadPlan();
            NDArray video = null;
            NDArray denoised;
            try (GroupOnloader.Scope resident = placement.resident()) {
                denoised = placement.run(transformer, "denoise", gen, () -> denoise(gen, state, c, prepared, trace));
                if (c.decode()) {
                    // Discard any padding frames that were added for CogVideoX 1.5
                    video = placement.run(vae, "decode", gen,
                            () -> decodeLatents(denoised.get(":, {}:", additionalFrames), trace));
                    video.attach(manager);
                }
            }
            denoised.attach(manager);
            return new CogVideoXOutput(denoised, video, placement.devicePeaks());
        }
    }

    /** What the denoising loop starts from. */
    private record Prepared(NDArray promptEmbeds, long[] timesteps, NDArray latents, @Nullable NDArray imageLatents,
            @Nullable RotaryEmbedding rope, @Nullable NDArray ofs, long batch) { }

    /** 8. Denoising loop: each step in its own scope; only the new latents (and the scheduler state) survive. */
    private NDArray denoise(NDManager gen, CogVideoXStepState state, CogVideoXCall c, Prepared p,
            CogVideoXTrace trace) {
        boolean cfg = c.doClassifierFreeGuidance();
        NDArray latents = p.latents();
        NDArray imageLatents = p.imageLatents();
        long[] timesteps = p.timesteps();
        for (int i = 0; i < timesteps.length; i++) {
            long t = timesteps[i];
            try (NDManager step = gen.newSubManager()) {
                step.attachAll(latents);
                NDArray latentModelInput = cfg ? NDArrays.concat(new NDList(latents, latents), 0) : latents;
                if (imageLatents != null) {
                    NDArray latentImageInput = cfg
                            ? NDArrays.concat(new NDList(imageLatents, imageLatents), 0) : imageLatents;
                    latentModelInput = NDArrays.concat(new NDList(latentModelInput, latentImageInput), 2);
                }
                // broadcast to batch dimension
                long rows = latentModelInput.getShape().get(0);
                long[] ts = new long[(int) rows];
                java.util.Arrays.fill(ts, t);
                NDArray timestep = HostArrays.longs(step, ts, new Shape(rows));
                // predict noise model_output
                NDArray noisePred = transformer.forward(new CogVideoXTransformerInput(latentModelInput,
                        p.promptEmbeds(), timestep, p.ofs(), p.rope()), IntermediateListener.NONE);
                // perform guidance
                double g = c.useDynamicCfg()
                        ? dynamicGuidanceScale(c.guidanceScale(), c.numInferenceSteps(), t) : c.guidanceScale();
                NDArray guided = noisePred;
                if (cfg) {
                    NDArray uncond = noisePred.get(":{}", p.batch());
                    NDArray text = noisePred.get("{}:", p.batch());
                    guided = Guidance.classifierFree(uncond, text, (float) g);
                }
                // compute the previous noisy sample x_t -> x_t-1
                CogVideoXScheduler.StepOutput out = scheduler.step(state, c.numInferenceSteps(), t, guided, latents,
                        c.noise());
                trace.onStep(new CogVideoXTrace.Step(i, t, g, noisePred, guided, out.predOriginalSample(),
                        out.prevSample()));
                latents = out.prevSample();
                latents.attach(gen);
            }
        }
        return latents;
    }

    /** Where the transformer's and the VAE's weights live during one call, under the offload mode and budget. */
    private OffloadPlan offloadPlan() {
        return OffloadPlan.of(offload, device, transformer.computeDtype(), memoryBudget, List.of(transformer, vae));
    }

    private void checkInputs(CogVideoXCall c, int spatial) {
        CogVideoXTransformerConfig tc = transformer.config();
        int factor = spatial * tc.patchSize();
        if (c.height() % factor != 0 || c.width() % factor != 0) {
            throw new IllegalArgumentException("height and width must be multiples of " + factor
                    + " (VAE factor x patch size) but are " + c.height() + "x" + c.width());
        }
        int temporal = vae.temporalCompression();
        if ((c.numFrames() - 1) % temporal != 0) {
            throw new IllegalArgumentException("num_frames must be " + temporal + "k + 1 but is " + c.numFrames());
        }
        Shape p = c.promptEmbeds().getShape();
        if (p.dimension() != 3 || p.get(2) != tc.textEmbedDim()) {
            throw new IllegalArgumentException("prompt_embeds must be [B, L, " + tc.textEmbedDim() + "] but has shape "
                    + p);
        }
        NDArray neg = c.negativePromptEmbeds();
        if (c.doClassifierFreeGuidance()) {
            if (neg == null) {
                throw new IllegalArgumentException("guidance_scale " + c.guidanceScale() + " > 1 needs"
                        + " negative_prompt_embeds (classifier-free guidance)");
            }
            if (!neg.getShape().equals(p)) {
                throw new IllegalArgumentException("negative_prompt_embeds must have the shape of prompt_embeds " + p
                        + " but has " + neg.getShape());
            }
        }
        if ((c.image() != null) != (imageEncoder != null)) {
            throw new IllegalArgumentException(c.image() != null
                    ? "an image was given but the pipeline has no image encoder (text-to-video)"
                    : "image-to-video needs an image");
        }
    }

    /**
     * {@code prepare_latents} (initial noise part): the given latents, or a draw from the noise source, times
     * {@code init_noise_sigma}.
     */
    private static NDArray prepareLatents(NDManager gen, CogVideoXCall c, Shape shape) {
        NDArray given = c.latents();
        NDArray latents;
        if (given != null) {
            if (!given.getShape().equals(shape)) {
                throw new IllegalArgumentException("latents must have shape " + shape + " [B, F', C, h, w] but have "
                        + given.getShape());
            }
            latents = given.duplicate();
            latents.attach(gen);
        } else {
            latents = c.noise().randn(shape, gen);
        }
        return latents.mul(INIT_NOISE_SIGMA);
    }

    /**
     * The image part of {@code prepare_latents}: {@code video_processor.preprocess} (2x - 1), each image encoded
     * alone as a 1-frame video, scaled (by the scaling factor, or its inverse with {@code invert_scale_latents}),
     * followed by zero frames, and (1.5) the leading frames repeated to a multiple of {@code patch_size_t}.
     *
     * @return [B, F', C, h, w]
     */
    private NDArray prepareImageLatents(NDManager gen, NDArray image, CogVideoXCall c, int frames, int channels,
            int h, int w, CogVideoXTrace trace) {
        Shape s = image.getShape();
        long batch = c.promptEmbeds().getShape().get(0);
        if (s.dimension() != 4 || s.get(0) != batch || s.get(1) != 3 || s.get(2) != c.height()
                || s.get(3) != c.width()) {
            throw new IllegalArgumentException("image must be [" + batch + ", 3, " + c.height() + ", " + c.width()
                    + "] in [0, 1] (resize it to the output size) but has shape " + s);
        }
        NDArray img = image.toType(DataType.FLOAT32, true);
        img.attach(gen);
        // VaeImageProcessor.preprocess: normalize to [-1, 1] unless the image is already below 0
        if (img.min().getFloat() >= 0) {
            img = img.mul(2f).sub(1f);
        }
        trace.onImagePreprocessed(img);
        ImageLatentEncoder encoder = nonNull(imageEncoder);
        NDList perImage = new NDList();
        for (long b = 0; b < batch; b++) {
            // [3, H, W] -> [1, 3, 1, H, W]
            NDArray one = img.get("{}", b).expandDims(0).expandDims(2);
            NDArray z = encoder.encode(one, c.noise());
            Shape zs = z.getShape();
            if (zs.dimension() != 5 || zs.get(1) != channels || zs.get(2) != 1 || zs.get(3) != h || zs.get(4) != w) {
                throw new IllegalStateException("the image encoder returned " + zs + " but [1, " + channels + ", 1, "
                        + h + ", " + w + "] was expected");
            }
            perImage.add(z);
        }
        // [B, C, 1, h, w] -> [B, 1, C, h, w]
        NDArray imageLatents = NDArrays.concat(perImage, 0).transpose(0, 2, 1, 3, 4);
        double sf = vae.scalingFactor();
        imageLatents = imageLatents.mul((float) (invertScaleLatents ? 1 / sf : sf));
        NDArray padding = gen.zeros(new Shape(batch, frames - 1, channels, h, w), DataType.FLOAT32);
        imageLatents = NDArrays.concat(new NDList(imageLatents, padding), 1);
        int pt = transformer.config().temporalPatch();
        if (transformer.config().patchSizeT() != null && frames % pt != 0) {
            NDArray firstFrame = imageLatents.get(":, :{}", frames % pt);
            imageLatents = NDArrays.concat(new NDList(firstFrame, imageLatents), 1);
        }
        trace.onImageLatents(imageLatents);
        return imageLatents;
    }

    /**
     * {@code decode_latents} and {@code postprocess_video(output_type="pt")}: [B, F, C, h, w] -> [B, C, F, h, w],
     * times {@code 1 / scaling_factor} (a float32 multiply by the rounded reciprocal), VAE decode,
     * {@code clamp(x / 2 + 0.5, 0, 1)}, [B, F, 3, H, W].
     */
    private NDArray decodeLatents(NDArray latents, CogVideoXTrace trace) {
        NDArray z = latents.transpose(0, 2, 1, 3, 4).mul((float) (1 / (double) vae.scalingFactor()));
        NDArray raw = vae.decode(z);
        trace.onDecodedRaw(raw);
        return raw.div(2f).add(0.5f).clip(0f, 1f).transpose(0, 2, 1, 3, 4);
    }

    /** {@inheritDoc} */
    @Override
    public String family() {
        return FAMILY;
    }

    /** {@inheritDoc} */
    @Override
    public String model() {
        return model;
    }

    /** {@inheritDoc} 480x720, 49 frames, 50 steps, guidance 6, 8 fps. */
    @Override
    public GenerationRequest request(String prompt) {
        return defaults(prompt);
    }

    /** {@return a request for {@code prompt} with diffusers' {@code __call__} defaults} */
    public static GenerationRequest defaults(String prompt) {
        return GenerationRequest.of(prompt).withSize(DEFAULT_HEIGHT, DEFAULT_WIDTH).withFrames(DEFAULT_FRAMES)
                .withSteps(DEFAULT_STEPS).withGuidanceScale(DEFAULT_GUIDANCE_SCALE).withFps(DEFAULT_FPS);
    }

    /** {@inheritDoc} */
    @Override
    public Video generate(GenerationRequest request, StepListener listener, CancellationToken cancel) {
        if (request.batchSize() != 1) {
            throw new IllegalArgumentException("the request makes " + request.batchSize() + " videos; generate"
                    + " returns one: call generateBatch");
        }
        return generateBatch(request, null, listener, cancel).get(0);
    }

    /** {@inheritDoc} */
    @Override
    public List<Video> generateBatch(GenerationRequest request, StepListener listener, CancellationToken cancel) {
        ConditionImage image = request.image();
        if (image == null) {
            return generateBatch(request, null, listener, cancel);
        }
        // image-to-video: the request's image at the output size, one copy per prompt, in [0, 1]
        try (NDManager m = NDManager.newBaseManager(device)) {
            ConditionImage r = image.resized(request.height(), request.width());
            int n = request.height() * request.width();
            float[] rgb = r.rgb();
            float[] chw = new float[3 * n];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    chw[c * n + i] = rgb[3 * i + c];
                }
            }
            NDArray one = HostArrays.floats(m, chw, new Shape(1, 3, request.height(), request.width()));
            return generateBatch(request, one.repeat(0, request.promptCount()), listener, cancel);
        }
    }

    /**
     * Text-to-video (or, with {@code image}, image-to-video) from a {@link GenerationRequest}: prompt embeddings
     * from the request ({@code promptEmbeds().promptEmbeds()}; the mask and pooled output are not used) or from
     * the builder's prompt encoder; the negative prompt ("" when none) likewise; size, frames, steps, guidance,
     * seed and initial latents ([B, C, T', H', W'] in the request's layout) from the request; dynamic CFG from the
     * builder. The batch shares one noise source seeded with the request's seed (diffusers' single generator),
     * so item i is not the single-prompt video of seed + i.
     *
     * @param image image-to-video: [B, 3, H, W] in [0, 1] at the output size; null for text-to-video
     * @return one video per batch item, prompt-major
     * @throws IllegalArgumentException for a request the model cannot run
     * @throws IllegalStateException if text prompts are given without a prompt encoder, or the pipeline is closed
     * @throws GenerationCancelledException if cancelled (checked before the call and after every step)
     */
    public synchronized List<Video> generateBatch(GenerationRequest request, @Nullable NDArray image,
            StepListener listener, CancellationToken cancel) {
        if (closed) {
            throw new IllegalStateException("the CogVideoX pipeline is closed");
        }
        if (request.videosPerPrompt() != 1) {
            throw new IllegalArgumentException("videosPerPrompt > 1 is not supported by the CogVideoX pipeline yet;"
                    + " batch the prompts instead");
        }
        checkCancelled(cancel, 0);
        long seed = request.seed() != null ? request.seed() : new SecureRandom().nextLong();
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray embeds = embeds(request.promptEmbeds(), request.prompts(), m);
            long b = embeds.getShape().get(0);
            NDArray negative = null;
            if (request.guidanceScale() > 1) {
                negative = embeds(request.negativePromptEmbeds(), request.negativePromptsFor((int) b), m);
                if (negative.getShape().get(0) == 1 && b > 1) {
                    negative = negative.repeat(0, b);
                }
            }
            Latents init = request.initialLatents();
            NDArray latents = init == null ? null : init.toArray(m).transpose(0, 2, 1, 3, 4);
            CogVideoXCall c = new CogVideoXCall(embeds, negative, latents, image, request.height(), request.width(),
                    request.frames(), request.steps(), request.guidanceScale(), useDynamicCfg,
                    SchedulerNoise.seeded(seed), true);
            long start = System.nanoTime();
            CogVideoXOutput out = call(c, m, new Progress(request.steps(), listener, cancel, start));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            NDArray video = java.util.Objects.requireNonNull(out.video());
            // [B, F, 3, H, W] -> [B, F, H, W, 3]
            NDArray rgb = video.transpose(0, 1, 3, 4, 2);
            Shape s = rgb.getShape();
            List<Video> videos = new ArrayList<>();
            for (int i = 0; i < s.get(0); i++) {
                Provenance p = new Provenance(request, i, model, scheduler.name(), scheduler.parameters(),
                        transformer.computeDtype(), offload, init == null ? seed : null,
                        c.doClassifierFreeGuidance(), request.steps(), Map.of("call", took), out.devicePeakBytes(), null);
                videos.add(new Video((int) s.get(1), (int) s.get(2), (int) s.get(3), rgb.get(i).toFloatArray(),
                        request.fps(), p));
            }
            return videos;
        }
    }

    /** Closes the owned components (reverse order). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("closing " + owned.get(i).getClass().getSimpleName(), e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void checkCancelled(CancellationToken cancel, int completedSteps) {
        if (cancel.isCancelled()) {
            throw new GenerationCancelledException("cancelled after " + completedSteps + " steps", completedSteps);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new GenerationCancelledException("thread interrupted after " + completedSteps + " steps",
                    completedSteps);
        }
    }

    /** Reports each step to the listener and stops the loop when cancelled. */
    private static final class Progress implements CogVideoXTrace {
        private final int total;
        private final StepListener listener;
        private final CancellationToken cancel;
        private final long start;

        Progress(int total, StepListener listener, CancellationToken cancel, long start) {
            this.total = total;
            this.listener = listener;
            this.cancel = cancel;
            this.start = start;
        }

        @Override
        public void onStep(Step s) {
            int done = s.index() + 1;
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            listener.onStep(new StepEvent(s.index(), total, s.timestep(), elapsed,
                    elapsed.dividedBy(done).multipliedBy(total - done), s.latents()));
            checkCancelled(cancel, done);
        }
    }

    private NDArray embeds(@Nullable PromptEmbeds given, List<String> prompts, NDManager m) {
        if (given != null) {
            return given.promptEmbeds();
        }
        PromptEncoder enc = promptEncoder;
        if (enc == null) {
            throw new IllegalStateException("text prompts need a prompt encoder (builder.promptEncoder) or"
                    + " precomputed prompt embeddings in the request");
        }
        return enc.encode(prompts, m).promptEmbeds();
    }

    private static <T> T nonNull(@Nullable T value) {
        if (value == null) {
            throw new IllegalStateException("checked before");
        }
        return value;
    }
}
