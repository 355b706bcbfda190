package io.hunyuan4j.dit.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.scheduler.DDPMScheduler;
import io.hunyuan4j.core.scheduler.DDPMSchedulerConfig;
import io.hunyuan4j.core.scheduler.DiscreteSchedule;
import io.hunyuan4j.core.scheduler.DiscreteStepOutput;
import io.hunyuan4j.core.scheduler.DiscreteTimestepScheduler;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.dit.transformer.HunyuanDiT2DModel;
import io.hunyuan4j.dit.transformer.HunyuanDiTInput;
import io.hunyuan4j.dit.transformer.HunyuanDiTRotaryPosEmbed;
import ai.djl.Device;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.offload.OffloadPlan;
import io.hunyuan4j.core.pipeline.CancellationToken;
import io.hunyuan4j.core.pipeline.GenerationCancelledException;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Guidance;
import io.hunyuan4j.core.pipeline.Generator;
import io.hunyuan4j.core.pipeline.Latents;
import io.hunyuan4j.core.pipeline.Provenance;
import io.hunyuan4j.core.pipeline.StepEvent;
import io.hunyuan4j.core.pipeline.StepListener;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.text.hunyuandit.HunyuanDiTPromptEmbeds;
import io.hunyuan4j.text.hunyuandit.HunyuanDiTPromptEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code HunyuanDiTPipeline.__call__} from precomputed text embeddings: size flooring and resolution
 * binning, the DDPM schedule, initial latents, the 2D RoPE table of the crop region, the image-meta-size and style
 * conditions, classifier-free guidance (batch {@code [negative; positive]}) with guidance rescale, the scheduler
 * steps, and decoding through a {@link LatentDecoder} ({@code image = clamp(decode(latents / scaling) / 2 + 0.5,
 * 0, 1)}).
 *
 * <pre>{@code
 * try (HunyuanDiTPipeline pipe = HunyuanDiTPipeline.builder(transformer, vae).build()) {
 *     NDArray image = pipe.generate(embeddings, HunyuanDiTRequest.defaults().withSeed(42));
 * }
 * }</pre>
 *
 * <p>As a {@link Generator} (family {@value HunyuanDiTFamily#NAME}) it takes text prompts, encoded by the
 * {@link HunyuanDiTPromptEncoder} given to {@link Builder#promptEncoder}, and returns one-frame {@link Video}s. The
 * {@link GenerationRequest} carries the size, steps, {@code guidance_scale} (classifier-free guidance, on above 1,
 * with the negative prompt or, as diffusers, the empty prompt), seed and initial latents; what it cannot carry is
 * a builder setting: {@link Builder#guidanceRescale} and {@link Builder#resolutionBinning}.
 *
 * <p>The pipeline owns its transformer, decoder and prompt encoder (closing it closes them). It keeps no per-call
 * state; calls are independent and serialised.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/hunyuandit/pipeline_hunyuandit.py">diffusers HunyuanDiTPipeline</a>
 */
public final class HunyuanDiTPipeline implements Generator {

    /** The pipeline's {@code style = torch.tensor([0])}: the only style of the published models. */
    static final long STYLE = 0;
    /** The pipeline floors height and width to multiples of 16. */
    static final int SIZE_MULTIPLE = 16;
    /** The pipeline's hard-coded {@code // 8} in the RoPE grid (the VAE's spatial compression). */
    static final int ROPE_LATENT_SCALE = 8;
    /** diffusers' {@code vae_scale_factor} without a VAE. */
    static final int DEFAULT_VAE_SCALE = 8;

    private final HunyuanDiT2DModel transformer;
    private final @Nullable LatentDecoder vae;
    private final DiscreteTimestepScheduler scheduler;
    private final @Nullable HunyuanDiTPromptEncoder promptEncoder;
    private final float guidanceRescale;
    private final boolean resolutionBinning;
    private final String model;
    private final Offload offload;
    private final Device device;
    private final long memoryBudget;

    private HunyuanDiTPipeline(Builder b) {
        this.transformer = b.transformer;
        this.vae = b.vae;
        this.scheduler = b.scheduler;
        this.promptEncoder = b.promptEncoder;
        this.guidanceRescale = b.guidanceRescale;
        this.resolutionBinning = b.resolutionBinning;
        this.model = b.model;
        this.offload = b.offload;
        this.device = b.device;
        this.memoryBudget = b.memoryBudget;
    }

    /**
     * Starts a pipeline over a loaded transformer and decoder.
     *
     * @param transformer the DiT
     * @param vae the 2D decoder (diffusers {@code AutoencoderKL}, scaling factor 0.13025)
     */
    public static Builder builder(HunyuanDiT2DModel transformer, LatentDecoder vae) {
        return new Builder(transformer, Objects.requireNonNull(vae, "vae"));
    }

    /**
     * Starts a pipeline without a decoder: {@link #denoise} only ({@code output_type="latent"}), with diffusers'
     * {@code vae_scale_factor} fallback of 8.
     */
    public static Builder latentsOnly(HunyuanDiT2DModel transformer) {
        return new Builder(transformer, null);
    }

    /** Load-time settings of a {@link HunyuanDiTPipeline}. */
    public static final class Builder {
        private final HunyuanDiT2DModel transformer;
        private final @Nullable LatentDecoder vae;
        private DiscreteTimestepScheduler scheduler = new DDPMScheduler(DDPMSchedulerConfig.hunyuanDiT());
        private @Nullable HunyuanDiTPromptEncoder promptEncoder;
        private float guidanceRescale;
        private boolean resolutionBinning = true;
        private String model = "in-memory";
        private Offload offload = Offload.NONE;
        private Device device = Device.cpu();
        private long memoryBudget = Long.MAX_VALUE;

        private Builder(HunyuanDiT2DModel transformer, @Nullable LatentDecoder vae) {
            this.transformer = Objects.requireNonNull(transformer, "transformer");
            this.vae = vae;
        }

        /** The text encoders {@link #generate(GenerationRequest, StepListener, CancellationToken)} uses. */
        public Builder promptEncoder(HunyuanDiTPromptEncoder encoder) {
            this.promptEncoder = Objects.requireNonNull(encoder, "promptEncoder");
            return this;
        }

        /**
         * diffusers' {@code guidance_rescale} for {@link Generator} calls, in [0, 1] (default 0: off), which a
         * {@link GenerationRequest} does not carry.
         *
         * @throws IllegalArgumentException outside [0, 1]
         */
        public Builder guidanceRescale(float rescale) {
            if (!(rescale >= 0 && rescale <= 1)) {
                throw new IllegalArgumentException("guidanceRescale must be in [0, 1] but is " + rescale);
            }
            this.guidanceRescale = rescale;
            return this;
        }

        /**
         * diffusers' {@code use_resolution_binning} for {@link Generator} calls (default true: a size that is not
         * one of the 10 standard shapes is snapped to the nearest one).
         */
        public Builder resolutionBinning(boolean on) {
            this.resolutionBinning = on;
            return this;
        }

        /** What {@link #model()} and the provenance name (default {@code in-memory}). */
        public Builder model(String description) {
            this.model = Objects.requireNonNull(description, "model");
            return this;
        }

        /**
         * The offload mode (default {@link Offload#NONE}); MODEL and BLOCK need the transformer and the VAE bound
         * LAZY. docs/offload.md.
         */
        public Builder offload(Offload mode) {
            this.offload = Objects.requireNonNull(mode, "offload");
            return this;
        }

        /** The device weights are placed on under offload, and the generation's tensors (default CPU). */
        public Builder device(Device d) {
            this.device = Objects.requireNonNull(d, "device");
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

        /** The scheduler (default: {@link DDPMScheduler} with HunyuanDiT's config). */
        public Builder scheduler(DiscreteTimestepScheduler s) {
            this.scheduler = Objects.requireNonNull(s, "scheduler");
            return this;
        }

        /**
         * Builds the pipeline.
         *
         * @throws IllegalArgumentException if the decoder's latent channels differ from the transformer's, or the
         *     offload mode cannot run the components within the memory budget (or they are not bound LAZY)
         */
        public HunyuanDiTPipeline build() {
            if (vae != null && vae.latentChannels() != transformer.inChannels()) {
                throw new IllegalArgumentException("the VAE has " + vae.latentChannels()
                        + " latent channels but the transformer takes " + transformer.inChannels());
            }
            OffloadPlan.of(offload, device, transformer.computeDtype(), memoryBudget,
                    vae == null ? List.of(transformer) : List.of(transformer, vae)).checkBudget();
            return new HunyuanDiTPipeline(this);
        }
    }

    /** The scheduler. */
    public DiscreteTimestepScheduler scheduler() {
        return scheduler;
    }

    /**
     * The (height, width) the pipeline renders for a request: floored to multiples of 16, then binned to a standard
     * shape when {@code useResolutionBinning} and the size is not supported.
     */
    public static ResolutionBinning.Size resolvedSize(HunyuanDiTRequest r) {
        int height = (r.height() / SIZE_MULTIPLE) * SIZE_MULTIPLE;
        int width = (r.width() / SIZE_MULTIPLE) * SIZE_MULTIPLE;
        if (r.useResolutionBinning() && !ResolutionBinning.supported(height, width)) {
            ResolutionBinning.Size s = ResolutionBinning.mapToStandardShapes(width, height);
            return s;
        }
        return new ResolutionBinning.Size(width, height);
    }

    /**
     * The whole call with {@code output_type="pt"}: denoises with the request's seed and decodes.
     *
     * @return the image [B, 3, H, W] float32 in [0, 1], in the embeddings' manager
     */
    public NDArray generate(HunyuanDiTEmbeddings embeddings, HunyuanDiTRequest request) {
        NDArray latents = denoise(embeddings, request, NoiseSource.seeded(request.seed()),
                HunyuanDiTStepListener.NONE);
        return decode(latents);
    }

    /**
     * {@code image = clamp(vae.decode(latents / scaling_factor) / 2 + 0.5, 0, 1)}; frees {@code latents}.
     *
     * @param latents [B, C, h, w]
     * @return [B, 3, H, W] in the latents' manager
     */
    public NDArray decode(NDArray latents) {
        requireVae();
        NDManager parent = latents.getManager();
        try (NDManager scope = parent.newSubManager()) {
            scope.attachAll(latents);
            // the 2D decoder sees one frame: [B, C, h, w] -> [B, C, 1, h, w] when it is a video decoder
            NDArray raw = decodeScaled(latents.div(requireVae().scalingFactor()));
            NDArray image = raw.div(2f).add(0.5f).clip(0f, 1f);
            image.attach(parent);
            return image;
        }
    }

    /**
     * The decoder's unclamped output {@code vae.decode(latents / scaling_factor)} (diffusers' image before
     * {@code image_processor.postprocess}, in [-1, 1] for a trained VAE); frees {@code latents}.
     *
     * @param latents [B, C, h, w]
     * @return [B, 3, H, W] in the latents' manager
     */
    public NDArray decodeRaw(NDArray latents) {
        NDManager parent = latents.getManager();
        try (NDManager scope = parent.newSubManager()) {
            scope.attachAll(latents);
            NDArray raw = decodeScaled(latents.div(requireVae().scalingFactor()));
            raw.attach(parent);
            return raw;
        }
    }

    private LatentDecoder requireVae() {
        LatentDecoder v = vae;
        if (v == null) {
            throw new IllegalStateException("this pipeline was built latentsOnly: it has no decoder");
        }
        return v;
    }

    /** The decoder's output for scaled latents, [B, 3, H, W] (a video decoder's single frame is squeezed). */
    private NDArray decodeScaled(NDArray scaled) {
        LatentDecoder decoder = requireVae();
        if (decoder.temporalCompression() <= 1) {
            return decoder.decode(scaled);
        }
        NDArray video = decoder.decode(scaled.expandDims(2));
        return video.squeeze(2);
    }

    /**
     * The denoising loop of {@code __call__} (everything but the decode: {@code output_type="latent"}).
     *
     * @param noise the initial latents (unless the request gives them) and the DDPM variance noise per step
     * @param listener sees every step
     * @return the final latents [B, C, H/8, W/8] float32, in {@code embeddings.promptEmbeds()}' manager
     * @throws IllegalArgumentException for embeddings or latents of the wrong shape, or a missing negative prompt
     *     with guidance, before any heavy work
     */
    public NDArray denoise(HunyuanDiTEmbeddings embeddings, HunyuanDiTRequest request, NoiseSource noise,
            HunyuanDiTStepListener listener) {
        ResolutionBinning.Size size = resolvedSize(request);
        int height = size.height();
        int width = size.width();
        boolean cfg = request.guidanceScale() > 1.0f;
        checkEmbeddings(embeddings, cfg);
        long batch = embeddings.batchSize();
        LatentDecoder v = vae;
        int vaeScale = v == null ? DEFAULT_VAE_SCALE : v.spatialCompression();
        Shape latentShape = new Shape(batch, transformer.inChannels(), height / vaeScale, width / vaeScale);
        int patch = transformer.patchSize();
        if (latentShape.get(2) % patch != 0 || latentShape.get(3) % patch != 0) {
            throw new IllegalArgumentException("the latent size " + latentShape.get(2) + "x" + latentShape.get(3)
                    + " must be a multiple of the patch size " + patch);
        }
        NDManager parent = embeddings.promptEmbeds().getManager();
        try (NDManager call = parent.newSubManager()) {
            // ops on the caller's tensors then put their results in the call scope
            call.tempAttachAll(distinct(embeddings.promptEmbeds(), embeddings.promptAttentionMask(),
                    embeddings.promptEmbeds2(), embeddings.promptAttentionMask2(), embeddings.negativePromptEmbeds(),
                    embeddings.negativePromptAttentionMask(), embeddings.negativePromptEmbeds2(),
                    embeddings.negativePromptAttentionMask2(), request.latents()));
            // 4. Prepare timesteps
            DiscreteSchedule schedule = scheduler.schedule(request.numInferenceSteps());
            // 5. Prepare latent variables
            NDArray latents = prepareLatents(call, request.latents(), latentShape, noise);
            // 7. RoPE of the crop region; image meta size and style
            int gridHeight = height / ROPE_LATENT_SCALE / patch;
            int gridWidth = width / ROPE_LATENT_SCALE / patch;
            RotaryEmbedding imageRotaryEmb = HunyuanDiTRotaryPosEmbed.forGrid(call,
                    transformer.config().attentionHeadDim(), gridHeight, gridWidth, patch);
            int targetHeight = request.targetHeight() > 0 ? request.targetHeight() : height;
            int targetWidth = request.targetWidth() > 0 ? request.targetWidth() : width;
            float[] addTimeIds = {request.originalHeight(), request.originalWidth(), targetHeight, targetWidth,
                request.cropTop(), request.cropLeft()};
            Conditioning cond = conditioning(call, embeddings, cfg, addTimeIds);

            // 8. Denoising loop
            for (int i = 0; i < schedule.size(); i++) {
                latents = step(call, schedule, i, latents, cond, imageRotaryEmb, request, noise, listener);
            }
            return call.ret(latents);
        }
    }

    /** The transformer's conditioning for the whole loop, CFG-batched ([negative; positive]). */
    private record Conditioning(NDArray promptEmbeds, NDArray promptAttentionMask, NDArray promptEmbeds2,
            NDArray promptAttentionMask2, NDArray imageMetaSize, NDArray style, boolean cfg) { }

    private static Conditioning conditioning(NDManager call, HunyuanDiTEmbeddings e, boolean cfg,
            float[] addTimeIds) {
        NDArray p1 = e.promptEmbeds().toType(DataType.FLOAT32, false);
        NDArray m1 = e.promptAttentionMask();
        NDArray p2 = e.promptEmbeds2().toType(DataType.FLOAT32, false);
        NDArray m2 = e.promptAttentionMask2();
        if (cfg) {
            p1 = NDArrays.concat(new NDList(req(e.negativePromptEmbeds()).toType(DataType.FLOAT32, false), p1));
            m1 = NDArrays.concat(new NDList(req(e.negativePromptAttentionMask()).toType(m1.getDataType(), false),
                    m1));
            p2 = NDArrays.concat(new NDList(req(e.negativePromptEmbeds2()).toType(DataType.FLOAT32, false), p2));
            m2 = NDArrays.concat(new NDList(req(e.negativePromptAttentionMask2()).toType(m2.getDataType(), false),
                    m2));
        }
        int rows = (int) p1.getShape().get(0);
        float[] meta = new float[rows * addTimeIds.length];
        long[] style = new long[rows];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(addTimeIds, 0, meta, r * addTimeIds.length, addTimeIds.length);
            style[r] = STYLE;
        }
        return new Conditioning(p1, m1, p2, m2,
                HostArrays.floats(call, meta, new Shape(rows, addTimeIds.length)),
                HostArrays.longs(call, style, new Shape(rows)), cfg);
    }

    private static NDArray[] distinct(@Nullable NDArray... arrays) {
        java.util.Map<NDArray, Boolean> seen = new java.util.IdentityHashMap<>();
        java.util.List<NDArray> out = new java.util.ArrayList<>();
        for (NDArray a : arrays) {
            if (a != null && seen.put(a, Boolean.TRUE) == null) {
                out.add(a);
            }
        }
        return out.toArray(new NDArray[0]);
    }

    private static NDArray req(@Nullable NDArray a) {
        if (a == null) {
            throw new IllegalStateException("negative embeddings checked before");
        }
        return a;
    }

    /** {@code prepare_latents}: the given latents (checked) or noise, times {@code init_noise_sigma}. */
    private NDArray prepareLatents(NDManager call, @Nullable NDArray given, Shape shape, NoiseSource noise) {
        NDArray latents;
        if (given != null) {
            if (!given.getShape().equals(shape)) {
                throw new IllegalArgumentException("latents " + given.getShape() + " must be " + shape
                        + " for this size and batch");
            }
            latents = given.toType(DataType.FLOAT32, true);
        } else {
            latents = noise.sample(-1, shape, call);
        }
        return latents.mul(scheduler.initNoiseSigma());
    }

    /** One step of the loop, in its own scope: only the new latents survive into {@code call}. */
    private NDArray step(NDManager call, DiscreteSchedule schedule, int i, NDArray latents, Conditioning c,
            RotaryEmbedding rope, HunyuanDiTRequest request, NoiseSource noise, HunyuanDiTStepListener listener) {
        int t = schedule.timestep(i);
        try (NDManager scope = call.newSubManager()) {
            scope.attachAll(latents);
            scope.tempAttachAll(c.promptEmbeds(), c.promptAttentionMask(), c.promptEmbeds2(),
                    c.promptAttentionMask2(), c.imageMetaSize(), c.style(), rope.cos(), rope.sin());
            // expand the latents if we are doing classifier free guidance
            NDArray latentModelInput = c.cfg() ? NDArrays.concat(new NDList(latents, latents)) : latents;
            long rows = latentModelInput.getShape().get(0);
            float[] tExpand = new float[(int) rows];
            java.util.Arrays.fill(tExpand, t);
            NDArray noisePredRaw = transformer.forward(new HunyuanDiTInput(latentModelInput,
                    HostArrays.floats(scope, tExpand, new Shape(rows)), c.promptEmbeds(), c.promptAttentionMask(),
                    c.promptEmbeds2(), c.promptAttentionMask2(), c.imageMetaSize(), c.style(), rope));
            // learned sigma: keep the first C channels (diffusers chunks unconditionally; a model without
            // learn_sigma has only C)
            NDArray noisePred = noisePredRaw.getShape().get(1) == 2L * transformer.inChannels()
                    ? F.chunk(noisePredRaw, 2, 1).get(0) : noisePredRaw;
            NDArray noisePredText = noisePred;
            if (c.cfg()) {
                NDList parts = F.chunk(noisePred, 2, 0);
                NDArray uncond = parts.get(0);
                noisePredText = parts.get(1);
                noisePred = Guidance.classifierFree(uncond, noisePredText, request.guidanceScale());
                if (request.guidanceRescale() > 0.0f) {
                    noisePred = rescaleNoiseCfg(noisePred, noisePredText, request.guidanceRescale());
                }
            }
            NDArray varianceNoise = scheduler.needsNoise(schedule, i)
                    ? noise.sample(i, latents.getShape(), scope) : null;
            DiscreteStepOutput out = scheduler.step(schedule, i, noisePred, latents, varianceNoise);
            NDArray next = out.prevSample();
            listener.onStep(i, t, noisePredRaw, noisePred, next);
            next.attach(call);
            return next;
        }
    }

    /**
     * {@code rescale_noise_cfg}: the guided prediction rescaled to the text prediction's std (torch's unbiased std
     * over every axis but the batch, per item), mixed with the unrescaled one by {@code guidanceRescale}.
     */
    static NDArray rescaleNoiseCfg(NDArray noiseCfg, NDArray noisePredText, float guidanceRescale) {
        NDArray stdText = stdPerItem(noisePredText);
        NDArray stdCfg = stdPerItem(noiseCfg);
        NDArray rescaled = noiseCfg.mul(stdText.div(stdCfg));
        return rescaled.mul(guidanceRescale).add(noiseCfg.mul(1 - guidanceRescale));
    }

    /** Unbiased std over all axes but the first, kept as [B, 1, ..., 1]. */
    private static NDArray stdPerItem(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0);
        long n = s.size() / b;
        NDArray flat = x.reshape(b, n);
        NDArray centred = flat.sub(flat.mean(new int[] {1}, true));
        long[] keep = new long[s.dimension()];
        java.util.Arrays.fill(keep, 1);
        keep[0] = b;
        return centred.square().sum(new int[] {1}, true).div(n - 1).sqrt().reshape(new Shape(keep));
    }

    private void checkEmbeddings(HunyuanDiTEmbeddings e, boolean cfg) {
        var c = transformer.config();
        long b = e.batchSize();
        if (b < 1) {
            throw new IllegalArgumentException("prompt_embeds must hold at least one prompt");
        }
        checkShape("prompt_embeds", e.promptEmbeds(), new Shape(b, c.textLen(), c.crossAttentionDim()));
        checkShape("prompt_attention_mask", e.promptAttentionMask(), new Shape(b, c.textLen()));
        checkShape("prompt_embeds_2", e.promptEmbeds2(), new Shape(b, c.textLenT5(), c.crossAttentionDimT5()));
        checkShape("prompt_attention_mask_2", e.promptAttentionMask2(), new Shape(b, c.textLenT5()));
        if (cfg) {
            if (!e.hasNegative()) {
                throw new IllegalArgumentException("guidance_scale > 1 needs the four negative embeddings and masks");
            }
            checkShape("negative_prompt_embeds", req(e.negativePromptEmbeds()), e.promptEmbeds().getShape());
            checkShape("negative_prompt_attention_mask", req(e.negativePromptAttentionMask()),
                    e.promptAttentionMask().getShape());
            checkShape("negative_prompt_embeds_2", req(e.negativePromptEmbeds2()), e.promptEmbeds2().getShape());
            checkShape("negative_prompt_attention_mask_2", req(e.negativePromptAttentionMask2()),
                    e.promptAttentionMask2().getShape());
        }
    }

    private static void checkShape(String name, NDArray x, Shape expected) {
        if (!x.getShape().equals(expected)) {
            throw new IllegalArgumentException(name + " " + x.getShape() + " must be " + expected);
        }
    }

    /** Closes the transformer, the decoder and the prompt encoder. */
    @Override
    public synchronized void close() {
        transformer.close();
        LatentDecoder v = vae;
        if (v != null) {
            v.close();
        }
        HunyuanDiTPromptEncoder e = promptEncoder;
        if (e != null) {
            e.close();
        }
    }

    // ---------------------------------------------------------------------------------------------- Generator

    /** {@inheritDoc} */
    @Override
    public String family() {
        return HunyuanDiTFamily.NAME;
    }

    /** {@inheritDoc} */
    @Override
    public String model() {
        return model;
    }

    /**
     * {@inheritDoc} diffusers' {@code HunyuanDiTPipeline.__call__} defaults: 1024x1024, one frame, 50 steps,
     * {@code guidance_scale} 5.0.
     */
    @Override
    public GenerationRequest request(String prompt) {
        return defaults(prompt);
    }

    /** {@return a request for {@code prompt} with diffusers' {@code __call__} defaults} */
    public static GenerationRequest defaults(String prompt) {
        return GenerationRequest.of(prompt).withSize(DEFAULT_SIZE, DEFAULT_SIZE).withFrames(1)
                .withSteps(DEFAULT_STEPS).withGuidanceScale(DEFAULT_GUIDANCE_SCALE);
    }

    /** diffusers' default {@code height} and {@code width}. */
    public static final int DEFAULT_SIZE = 1024;
    /** diffusers' default {@code num_inference_steps}. */
    public static final int DEFAULT_STEPS = 50;
    /** diffusers' default {@code guidance_scale}. */
    public static final float DEFAULT_GUIDANCE_SCALE = 5.0f;

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException also for a batched request (use {@link #generateBatch}), more than one
     *     frame, {@code trueCfgScale}, {@code flowShift}, prompt embeddings or a prompt rewrite (HunyuanDiT has
     *     none of them), or a pipeline without prompt encoder or decoder
     */
    @Override
    public synchronized Video generate(GenerationRequest request, StepListener listener, CancellationToken cancel) {
        if (request.batchSize() != 1) {
            throw new IllegalArgumentException("generate takes a batch-1 request but this one has "
                    + request.batchSize() + " items; use generateBatch");
        }
        return generateBatch(request, listener, cancel).get(0);
    }

    /** {@inheritDoc} Items run one after another, each exactly as a batch-1 request with its seed. */
    @Override
    public synchronized List<Video> generateBatch(GenerationRequest request, StepListener listener,
            CancellationToken cancel) {
        checkRequest(request);
        long base = request.seed() != null ? request.seed()
                : request.initialLatents() != null ? 0L : new java.util.SplittableRandom().nextLong();
        List<Video> out = new ArrayList<>();
        int perPrompt = request.videosPerPrompt();
        for (int i = 0; i < request.batchSize(); i++) {
            int p = i / perPrompt;
            String negative = request.negativePromptsFor(request.prompts().size()).get(p);
            out.add(item(request, i, request.prompts().get(p), negative, base + i, listener, cancel));
        }
        return out;
    }

    private void checkRequest(GenerationRequest r) {
        if (r.frames() != 1) {
            throw new IllegalArgumentException("HunyuanDiT makes images: frames must be 1 but is " + r.frames());
        }
        if (r.trueCfgScale() != GenerationRequest.DEFAULT_TRUE_CFG_SCALE || r.flowShift() != null) {
            throw new IllegalArgumentException("HunyuanDiT has no trueCfgScale or flowShift (guidanceScale is its"
                    + " classifier-free guidance); leave them at 1.0 and null");
        }
        if (r.promptEmbeds() != null || r.negativePromptEmbeds() != null) {
            throw new IllegalArgumentException("HunyuanDiT needs both text streams, which PromptEmbeds cannot carry:"
                    + " give text prompts (or call denoise with HunyuanDiTEmbeddings)");
        }
        if (r.rewrite() != io.hunyuan4j.core.pipeline.PromptRewriter.Mode.NONE) {
            throw new IllegalArgumentException("HunyuanDiT has no prompt rewriter: rewrite must be NONE");
        }
        if (promptEncoder == null || vae == null) {
            throw new IllegalArgumentException("this pipeline has no " + (promptEncoder == null ? "prompt encoder"
                    : "decoder") + ": build it with promptEncoder(...) and a VAE to generate from text");
        }
        if (r.initialLatents() != null) {
            long[] s = r.initialLatents().shape();
            int scale = requireVae().spatialCompression();
            long[] expected = {r.batchSize(), transformer.inChannels(), r.height() / scale, r.width() / scale};
            boolean ok = s.length == 4 && java.util.Arrays.equals(s, expected);
            if (!ok || r.height() != resolvedSize(toDiT(r, 0L, null)).height()
                    || r.width() != resolvedSize(toDiT(r, 0L, null)).width()) {
                throw new IllegalArgumentException("initialLatents must be " + java.util.Arrays.toString(expected)
                        + " for a size that binning keeps, but is " + java.util.Arrays.toString(s));
            }
        }
    }

    private HunyuanDiTRequest toDiT(GenerationRequest r, long seed, @Nullable NDArray latents) {
        HunyuanDiTRequest d = HunyuanDiTRequest.defaults();
        return new HunyuanDiTRequest(r.height(), r.width(), r.steps(), r.guidanceScale(), guidanceRescale,
                d.originalHeight(), d.originalWidth(), 0, 0, 0, 0, resolutionBinning, seed, latents);
    }

    private List<Object> components() {
        List<Object> c = new ArrayList<>();
        c.add(transformer);
        LatentDecoder v = vae;
        if (v != null) {
            c.add(v);
        }
        return c;
    }

    private Video item(GenerationRequest r, int index, String prompt, String negative, long seed,
            StepListener listener, CancellationToken cancel) {
        HunyuanDiTPromptEncoder encoder = Objects.requireNonNull(promptEncoder);
        boolean cfg = r.guidanceScale() > 1.0f;
        Map<String, Duration> timings = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager(device)) {
            long t0 = System.nanoTime();
            HunyuanDiTPromptEmbeds pos = encoder.encodeBoth(List.of(prompt), m);
            HunyuanDiTPromptEmbeds neg = cfg ? encoder.encodeBoth(List.of(negative), m) : null;
            HunyuanDiTEmbeddings embeddings = new HunyuanDiTEmbeddings(pos.promptEmbeds(), pos.promptAttentionMask(),
                    pos.promptEmbeds2(), pos.promptAttentionMask2(), neg == null ? null : neg.promptEmbeds(),
                    neg == null ? null : neg.promptAttentionMask(), neg == null ? null : neg.promptEmbeds2(),
                    neg == null ? null : neg.promptAttentionMask2());
            long t1 = System.nanoTime();
            timings.put("encodePrompt", Duration.ofNanos(t1 - t0));
            Latents init = r.initialLatents();
            NDArray latents0 = init == null ? null : init.toArray(m).get(index).expandDims(0);
            HunyuanDiTRequest dit = toDiT(r, seed, latents0);
            NoiseSource noise = NoiseSource.seeded(seed);
            int total = r.steps();
            HunyuanDiTStepListener steps = (i, t, raw, guided, l) -> {
                if (cancel.isCancelled() || Thread.currentThread().isInterrupted()) {
                    throw new GenerationCancelledException("cancelled after " + (i + 1) + " of " + total + " steps",
                            i + 1);
                }
                Duration elapsed = Duration.ofNanos(System.nanoTime() - t1);
                Duration remaining = elapsed.multipliedBy(total - i - 1).dividedBy(i + 1);
                listener.onStep(new StepEvent(i, total, t, elapsed, remaining, l));
            };
            if (cancel.isCancelled()) {
                throw new GenerationCancelledException("cancelled before the first step", 0);
            }
            OffloadPlan placement = OffloadPlan.of(offload, device, transformer.computeDtype(), memoryBudget,
                    components());
            NDArray image;
            try (GroupOnloader.Scope resident = placement.resident()) {
                NDArray latents = placement.run(transformer, "denoise", m,
                        () -> denoise(embeddings, dit, noise, steps));
                long t2 = System.nanoTime();
                timings.put("denoise", Duration.ofNanos(t2 - t1));
                image = placement.run(requireVae(), "decode", m, () -> decode(latents));
                timings.put("decode", Duration.ofNanos(System.nanoTime() - t2));
            }
            long t3 = System.nanoTime();
            Shape s = image.getShape();
            float[] rgb = image.get(0).transpose(1, 2, 0).toFloatArray();
            timings.put("postprocess", Duration.ofNanos(System.nanoTime() - t3));
            Map<String, String> schedulerParameters = new LinkedHashMap<>();
            schedulerParameters.put("guidance_rescale", Float.toString(guidanceRescale));
            schedulerParameters.put("use_resolution_binning", Boolean.toString(resolutionBinning));
            Provenance provenance = new Provenance(r, index, model, scheduler.getClass().getSimpleName(),
                    schedulerParameters, transformer.computeDtype(), offload, init == null ? seed : null, cfg,
                    total, timings, placement.devicePeaks(), null);
            return new Video(1, (int) s.get(2), (int) s.get(3), rgb, r.fps(), provenance);
        }
    }
}
