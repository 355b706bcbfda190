package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.lora.LoraAdapters;
import io.hunyuan4j.core.lora.LoraWeight;
import io.hunyuan4j.core.lora.UnmatchedKeys;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.HunyuanException;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.Denoiser;
import io.hunyuan4j.core.api.DenoiserFactory;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.cache.CacheSession;
import io.hunyuan4j.core.cache.CacheStats;
import io.hunyuan4j.core.cache.StepCache;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.api.ImageConditionType;
import io.hunyuan4j.core.api.ImagePromptEncoder;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.api.LatentDecoderFactory;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.api.PromptEncoder;
import io.hunyuan4j.core.api.PromptEncoderFactory;
import io.hunyuan4j.core.api.RgbImage;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.offload.OffloadPlan;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.scheduler.FlowMatchEulerScheduler;
import io.hunyuan4j.core.scheduler.Schedule;
import io.hunyuan4j.core.scheduler.Scheduler;
import io.hunyuan4j.core.scheduler.Velocity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Text-to-video with HunyuanVideo: prompt encoder, DiT, flow-matching scheduler and VAE decoder, composed
 * through the interfaces of {@code io.hunyuan4j.core.api} so this class depends on no model (docs/architecture.md);
 * where weights live during a call is an {@link OffloadPlan}'s business. {@link #generate} follows diffusers'
 * {@code HunyuanVideoPipeline.__call__} stage for stage.
 *
 * <pre>{@code
 * try (VideoPipeline pipe = VideoPipeline.fromPretrained(Path.of("HunyuanVideo"))) {
 *     Video video = pipe.generate(GenerationRequest.of("A cat walks on the grass, realistic")
 *             .withSize(320, 512).withFrames(61).withSteps(30).withSeed(42));
 *     video.saveMp4(Path.of("cat.mp4"));
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> One instance may be shared: concurrent {@code generate} calls are serialised by a fair
 * lock (each runs alone, in arrival order), because the components hold one set of weights and the DiT alone
 * saturates the machine. {@link #close()} waits for a running call; a call after {@code close()} throws
 * {@link IllegalStateException}.
 *
 * <p><b>Memory.</b> Each call works in its own engine manager, each denoising step in a sub-manager that is
 * closed when the step ends, so only the current latents survive a step. The result is host memory.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/hunyuan_video/pipeline_hunyuan_video.py">diffusers HunyuanVideoPipeline</a>
 */
public final class VideoPipeline implements Generator {

    /** pipeline_hunyuan_video.py: {@code guidance = tensor([guidance_scale] * B) * 1000.0}. */
    public static final float GUIDANCE_EMBED_SCALE = 1000f;

    /** diffusers {@code encode_prompt(image_embed_interleave=2)}: what the negative prompt is encoded with. */
    static final int DEFAULT_IMAGE_EMBED_INTERLEAVE = 2;

    /** diffusers {@code HunyuanSkyreelsImageToVideoPipeline.__call__(true_cfg_scale=6.0)}. */
    public static final float SKYREELS_TRUE_CFG_SCALE = 6.0f;

    /** {@code shift} of the released HunyuanVideo {@code scheduler/scheduler_config.json}. */
    public static final float DEFAULT_FLOW_SHIFT = 7.0f;

    private static final Logger LOG = LoggerFactory.getLogger(VideoPipeline.class);

    private final Denoiser transformer;
    private final LatentDecoder vae;
    private final Scheduler scheduler;
    private final Device device;
    private final ComputeDtype computeDtype;
    private final Offload offload;
    private final long memoryBudget;
    private final String model;
    private final @Nullable Supplier<PromptEncoder> textEncoderLoader;
    private final @Nullable PromptRewriter promptRewriter;
    private final LoraAdapters.Mode loraMode;
    private final UnmatchedKeys unmatchedLoraKeys;
    private final @Nullable StepCache cache;
    private final ReentrantLock lock = new ReentrantLock(true);
    // guarded by lock
    private @Nullable PromptEncoder textEncoder;
    private boolean closed;
    private @Nullable LoraAdapters loraAdapters;
    private final Map<String, Path> loraFiles = new LinkedHashMap<>();

    private VideoPipeline(Builder b) {
        this.transformer = b.transformer;
        this.textEncoder = b.textEncoder;
        this.vae = b.vae;
        this.scheduler = b.scheduler;
        this.device = b.device;
        this.computeDtype = b.computeDtype;
        this.offload = b.offload;
        this.memoryBudget = b.memoryBudget;
        this.model = b.model;
        this.textEncoderLoader = b.textEncoderLoader;
        this.promptRewriter = b.promptRewriter;
        this.loraMode = b.loraMode;
        this.unmatchedLoraKeys = b.unmatchedLoraKeys;
        this.cache = b.cache;
    }

    static {
        io.hunyuan4j.core.runtime.Offline.ensure();
    }

    /**
     * Starts a pipeline from loaded components; the pipeline takes ownership and closes them.
     *
     * @param transformer the DiT
     * @param textEncoder the prompt encoder (Llama + CLIP)
     * @param vae the latent decoder
     */
    public static Builder builder(Denoiser transformer, PromptEncoder textEncoder, LatentDecoder vae) {
        return new Builder(transformer, textEncoder, vae);
    }

    /**
     * Loads a diffusers-layout folder on the CPU in float32, without offload.
     *
     * @throws IllegalArgumentException if the folder or one of its component folders is missing (named)
     * @throws io.hunyuan4j.core.HunyuanException for a bad model, e.g. a
     *     {@link io.hunyuan4j.core.config.ConfigException} for a folder without
     *     {@code scheduler/scheduler_config.json}: the cases of {@link #fromPretrained(Path, ComponentOptions,
     *     Offload)}
     */
    public static VideoPipeline fromPretrained(Path modelDir) {
        return fromPretrained(modelDir, ComponentOptions.defaults(), Offload.NONE);
    }

    /**
     * Loads a diffusers-layout folder ({@code model_index.json}, {@code transformer/}, {@code vae/},
     * {@code text_encoder/}, {@code text_encoder_2/}, {@code tokenizer/}, {@code tokenizer_2/},
     * {@code scheduler/}). The text, transformer and VAE implementations are found with
     * {@link java.util.ServiceLoader} ({@link PromptEncoderFactory}, {@link DenoiserFactory},
     * {@link LatentDecoderFactory}): put hunyuan-text and hunyuan-vae on the class path.
     *
     * @throws IllegalArgumentException if the folder or one of its component folders is missing (named), or the
     *     folder holds no weights
     * @throws io.hunyuan4j.core.config.ConfigException if {@code model_index.json} names another pipeline or
     *     component class, or a {@code config.json} / {@code scheduler/scheduler_config.json} is missing, malformed
     *     or out of bounds (file and key named)
     * @throws io.hunyuan4j.core.weights.SafetensorsException if a weight file is malformed or not a regular file
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException if the weights do not match the configs
     * @throws io.hunyuan4j.core.HunyuanException for these and the other SDK failures (a tokenizer's
     *     {@code TokenizerException}, a {@code DeviceBudgetExceededException} of the offload plan)
     * @throws IllegalStateException if hunyuan-text or hunyuan-vae is not on the class path
     * @throws java.io.UncheckedIOException if a file cannot be read
     */
    public static VideoPipeline fromPretrained(Path modelDir, ComponentOptions options, Offload offload) {
        ComponentOptions o = new ComponentOptions(options.device(), options.computeDtype(),
                offload.loadMode(options.loadMode()));
        return pretrained(modelDir, o).offload(offload).build();
    }

    /**
     * Loads the components of a diffusers-layout folder (as {@link #fromPretrained(Path, ComponentOptions,
     * Offload)}) into a builder preset with the folder's scheduler, so settings can still change, e.g.
     * {@code VideoPipeline.pretrained(dir, options).scheduler(heun).offload(Offload.MODEL).build()}. The
     * loaded components are released by the built pipeline's {@link #close()}: call {@link Builder#build()}.
     *
     * @throws IllegalArgumentException if the folder or one of its component folders is missing (named)
     * @throws io.hunyuan4j.core.HunyuanException for a bad model: the same cases as
     *     {@link #fromPretrained(Path, ComponentOptions, Offload)}
     * @throws IllegalStateException if hunyuan-text or hunyuan-vae is not on the class path
     */
    public static Builder pretrained(Path modelDir, ComponentOptions options) {
        return PretrainedLoader.load(modelDir, options, null);
    }

    /**
     * As {@link #pretrained(Path, ComponentOptions)}, with the DiT read from {@code transformerWeights} instead of
     * {@code modelDir/transformer/}: a single file (or index, or folder) in any layout
     * {@code io.hunyuan4j.core.transformer.TransformerCheckpoint} reads, e.g. Tencent's original
     * {@code mp_rank_00_model_states.safetensors}, a ComfyUI {@code hunyuan_video_720_cfgdistill_fp8_e4m3fn
     * .safetensors} or a scaled-FP8 file. Its config is {@code modelDir/transformer/config.json} when that exists,
     * otherwise it is inferred from the tensor shapes; {@code modelDir} then needs no {@code transformer/} folder.
     * Provenance records the file next to the folder.
     *
     * @throws IllegalArgumentException if the folder, one of its other component folders, or the file is missing
     * @throws io.hunyuan4j.core.HunyuanException for a bad model: the cases of
     *     {@link #fromPretrained(Path, ComponentOptions, Offload)}
     */
    public static Builder pretrained(Path modelDir, ComponentOptions options, Path transformerWeights) {
        return PretrainedLoader.load(modelDir, options, Objects.requireNonNull(transformerWeights,
                "transformerWeights"));
    }

    /**
     * Generates one video (or image) with no progress listener and no cancellation.
     *
     * @see #generate(GenerationRequest, StepListener, CancellationToken)
     */
    @Override
    public Video generate(GenerationRequest request) {
        return generate(request, StepListener.NONE, CancellationToken.none());
    }

    /**
     * Generates one video (or image, for one frame). Blocks while another call runs on this pipeline.
     *
     * @param listener called after every denoising step
     * @param cancel checked, with the thread's interrupt flag, before every step and before decoding
     * @throws IllegalArgumentException for a request this model cannot run (before any model work), or one
     *     that makes several videos ({@link GenerationRequest#batchSize()} > 1: use {@link #generateBatch})
     * @throws GenerationCancelledException if cancelled; engine memory is released and nothing is returned
     * @throws io.hunyuan4j.core.offload.DeviceBudgetExceededException if a placement would exceed
     *     {@link Builder#memoryBudget}
     * @throws HunyuanException if a stage fails in the engine (the message names the stage); the exceptions above
     *     extend it
     */
    @Override
    public Video generate(GenerationRequest request, StepListener listener, CancellationToken cancel) {
        if (request.batchSize() != 1) {
            throw new IllegalArgumentException("the request makes " + request.batchSize() + " videos ("
                    + request.promptCount() + " prompts x " + request.videosPerPrompt()
                    + " per prompt); generate returns one: call generateBatch");
        }
        return generateBatch(request, listener, cancel).get(0);
    }

    /**
     * Generates every video of a batched request with no progress listener and no cancellation.
     *
     * @see #generateBatch(GenerationRequest, StepListener, CancellationToken)
     */
    public List<Video> generateBatch(GenerationRequest request) {
        return generateBatch(request, StepListener.NONE, CancellationToken.none());
    }

    /**
     * Generates the {@link GenerationRequest#batchSize()} videos of a request as one batch (diffusers'
     * {@code prompt=[...]} with {@code num_videos_per_prompt}): each prompt keeps its own text mask, item i's
     * noise comes from {@code seed + i}, and the videos come back in prompt-major order, each with its own
     * provenance ({@link Provenance#batchIndex()}, {@link Provenance#seed()}). Blocks while another call runs.
     *
     * @param listener called after every denoising step (its latents hold the whole batch)
     * @param cancel checked, with the thread's interrupt flag, before every step and before decoding
     * @throws IllegalArgumentException for a request this model cannot run (before any model work)
     * @throws GenerationCancelledException if cancelled; engine memory is released and nothing is returned
     * @throws HunyuanException if a stage fails in the engine (the message names the stage)
     * @throws PromptRewriteException if the request asks for a rewrite and the rewriter failed
     */
    @Override
    public List<Video> generateBatch(GenerationRequest request, StepListener listener, CancellationToken cancel) {
        StageTimer stages = new StageTimer();
        // 0. Rewrite the prompts (HunyuanVideo's step before diffusers' __call__): a network call that needs no
        // weights, so it runs before the lock and a slow endpoint never holds up another caller's generation
        PromptRewrites rewrites = PromptRewrites.run(request, promptRewriter, stages);
        acquire(cancel);
        try (NDManager call = NDManager.newBaseManager(device)) {
            // 1. Check inputs
            Scheduler sch = checkInputs(request);
            boolean doTrueCfg = request.doTrueCfg();
            // 3. Encode input prompt
            GenerationRequest encoded = rewrites.applyTo(request);
            Conditioning cond = stages.run("encodePrompt", () -> encodePrompt(encoded, doTrueCfg, call));
            // 4. Prepare timesteps
            Schedule schedule = sch.schedule(request.steps());
            // 5. Prepare latent variables
            long seed = request.seed() != null ? request.seed() : System.nanoTime();
            NDArray latents = stages.run("prepareLatents", () -> prepareLatents(request, seed, call));
            // 6. Prepare guidance condition
            NDArray guidance = guidance(request, call);
            // 7. Denoising loop
            List<LoraWeight> activeLoras = activeLoras();
            OffloadPlan placement = offloadPlan();
            NDArray decoded;
            CacheStats cacheStats;
            Denoising loop;
            try (GroupOnloader.Scope resident = placement.resident();
                    CacheSession session = cache == null ? null : cache.session(request.steps())) {
                loop = new Denoising(sch, schedule, cond, guidance, listener, cancel, session);
                // image-to-video: the image latents of prepare_latents, and how they enter each step
                ImageToVideo i2v = request.image() == null ? ImageToVideo.NONE : stages.run("encodeImage",
                        () -> placement.run(vae, "encodeImage", call,
                                () -> ImageToVideo.prepare(request, transformer, vae, latentShape(request), seed, call)));
                NDArray denoised = stages.run("denoise", () -> placement.run(transformer, "denoise", call,
                        () -> loop.run(i2v.prepareLatents(latents), call, i2v)));
                checkCancelled(cancel, schedule.size());
                cacheStats = session == null ? null : session.stats();
                decoded = stages.run("decode",
                        () -> placement.run(vae, "decode", call, () -> i2v.postDecode(decode(denoised))));
            }
            List<float[]> rgb = stages.run("postprocess", () -> postprocess(decoded));
            Shape s = decoded.getShape(); // [B, 3, F, H, W]
            List<Video> videos = new ArrayList<>(rgb.size());
            for (int i = 0; i < rgb.size(); i++) {
                Provenance provenance = new Provenance(request, i, model, sch.name(), sch.parameters(),
                        computeDtype, offload, request.initialLatents() == null ? seed + i : null, doTrueCfg,
                        loop.evaluations, stages.timings(), placement.devicePeaks(),
                        rewrites.forItem(i, request.videosPerPrompt()), activeLoras, cacheStats);
                videos.add(new Video((int) s.get(2), (int) s.get(3), (int) s.get(4), rgb.get(i), request.fps(),
                        provenance));
            }
            LOG.info("generated {} x {} frames {}x{} in {} ms", rgb.size(), s.get(2), s.get(3), s.get(4),
                    videos.get(0).provenance().total().toMillis());
            return List.copyOf(videos);
        } finally {
            lock.unlock();
        }
    }

    /** Where the DiT's and the VAE's weights live during one call, under the offload mode and budget. */
    private OffloadPlan offloadPlan() {
        return OffloadPlan.of(offload, device, computeDtype, memoryBudget, List.of(transformer, vae));
    }

    /** {@code check_inputs}, plus the checks that need the model; returns the scheduler for this request. */
    private Scheduler checkInputs(GenerationRequest r) {
        if (closed) {
            throw new IllegalStateException("this VideoPipeline is closed");
        }
        long elements = 1;
        for (long d : latentShape(r)) {
            elements *= d; // at most 64 x 2^12 x 257 x 512^2: no overflow of long
        }
        if (elements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the latents of " + r.batchSize() + " x " + r.height() + "x"
                    + r.width() + "x" + r.frames() + " hold " + elements + " values, more than one array can ("
                    + Integer.MAX_VALUE + "): make fewer videos per call, or smaller ones");
        }
        if (r.initialLatents() != null) {
            long[] expected = latentShape(r);
            long[] got = r.initialLatents().shape();
            if (!Arrays.equals(expected, got)) {
                throw new IllegalArgumentException("initialLatents shape must be " + Arrays.toString(expected)
                        + " for " + r.height() + "x" + r.width() + "x" + r.frames() + " but is "
                        + Arrays.toString(got));
            }
        }
        ImageToVideo.checkInputs(r, transformer, vae);
        checkEmbeds("promptEmbeds", r.promptEmbeds(), r.promptCount());
        checkEmbeds("negativePromptEmbeds", r.negativePromptEmbeds(), r.promptCount());
        boolean needsEncoder = r.promptEmbeds() == null || (r.doTrueCfg() && r.negativePromptEmbeds() == null);
        if (needsEncoder && textEncoder == null && textEncoderLoader == null) {
            throw new IllegalStateException("the prompt encoder was released after encoding (offload " + offload
                    + ") and this pipeline cannot reload it; pass promptEmbeds, or build with textEncoderLoader(...)");
        }
        if (r.trueCfgScale() > 1 && !r.hasNegative()) {
            // diffusers: do_true_cfg = true_cfg_scale > 1 and has_neg_prompt; it runs without true CFG
            LOG.warn("trueCfgScale {} > 1 has no effect without a negative prompt; running without true CFG",
                    r.trueCfgScale());
        }
        if (r.flowShift() == null) {
            return scheduler;
        }
        try {
            return scheduler.withFlowShift(r.flowShift());
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException("flowShift " + r.flowShift() + " cannot be applied: "
                    + e.getMessage(), e);
        }
    }

    /** Embeddings [P, L, D], mask [P, L], pooled [P, D'] for the request's P prompts (a negative may be batch 1). */
    private static void checkEmbeds(String name, @Nullable PromptEmbeds e, int prompts) {
        if (e == null) {
            return;
        }
        Shape embeds = e.promptEmbeds().getShape();
        Shape mask = e.attentionMask().getShape();
        Shape pooled = e.pooled().getShape();
        long b = embeds.dimension() == 3 ? embeds.get(0) : -1;
        boolean batchOk = b == prompts || (b == 1 && name.startsWith("negative"));
        if (!batchOk || mask.dimension() != 2 || mask.get(0) != b || mask.get(1) != embeds.get(1)
                || pooled.dimension() != 2 || pooled.get(0) != b) {
            throw new IllegalArgumentException(name + " must be promptEmbeds [" + prompts + ", L, D], attentionMask ["
                    + prompts + ", L], pooled [" + prompts + ", P] but are " + embeds + ", " + mask + ", " + pooled);
        }
    }

    /**
     * {@code encode_prompt} for the prompts and, with true CFG, the negative prompts, each repeated
     * {@code videosPerPrompt} times in diffusers' order (prompt-major) to the batch of the call.
     */
    private Conditioning encodePrompt(GenerationRequest r, boolean doTrueCfg, NDManager call) {
        int prompts = r.promptCount();
        RgbImage image = r.image() == null ? null : r.image().toRgb8();
        PromptEmbeds positive = r.promptEmbeds() != null ? own(r.promptEmbeds(), call)
                : encodeText(r.prompts(), image, imageEmbedInterleave(), call);
        PromptEmbeds negative = null;
        if (doTrueCfg) {
            // diffusers encodes the negative prompt with a black image of the video's size and encode_prompt's
            // default interleave
            negative = r.negativePromptEmbeds() != null ? own(r.negativePromptEmbeds(), call)
                    : encodeText(r.negativePrompts(), image == null ? null : RgbImage.black(r.height(), r.width()),
                            DEFAULT_IMAGE_EMBED_INTERLEAVE, call);
            negative = repeat(negative, prompts / (int) negative.promptEmbeds().getShape().get(0));
        }
        if (offload != Offload.NONE && textEncoder != null) {
            // model offload: the 8B MLLM must not stay resident next to the DiT
            textEncoder.close();
            textEncoder = null;
            LOG.debug("offload {}: prompt encoder released", offload);
        }
        int n = r.videosPerPrompt();
        return new Conditioning(repeat(positive, n), negative == null ? null : repeat(negative, n),
                r.trueCfgScale());
    }

    /** The prompt encoder's own call, with the image when it reads one (HunyuanVideo-I2V's LLaVA). */
    private PromptEmbeds encodeText(List<String> prompts, @Nullable RgbImage image, int interleave, NDManager call) {
        PromptEncoder e = encoder();
        if (image != null && e instanceof ImagePromptEncoder withImage) {
            return withImage.encode(prompts, image, interleave, call);
        }
        return e.encode(prompts, call);
    }

    /**
     * diffusers {@code __call__}: {@code image_embed_interleave} 2 for latent_concat, 4 for token_replace, else 1.
     */
    private int imageEmbedInterleave() {
        return switch (transformer.imageConditionType()) {
            case LATENT_CONCAT -> 2;
            case TOKEN_REPLACE -> 4;
            case NONE -> 1;
        };
    }

    /** Each item {@code times} times in a row: {@code repeat(1, n).view(B * n, ...)} of the reference. */
    private static PromptEmbeds repeat(PromptEmbeds e, int times) {
        if (times == 1) {
            return e;
        }
        return new PromptEmbeds(e.promptEmbeds().repeat(0, times), e.attentionMask().repeat(0, times),
                e.pooled().repeat(0, times), e.truncatedTokens());
    }

    private PromptEncoder encoder() {
        if (textEncoder == null) {
            textEncoder = Objects.requireNonNull(textEncoderLoader, "textEncoderLoader").get();
        }
        return textEncoder;
    }

    /** Copies caller-owned embeddings into the call's manager (float32, mask included, as the reference). */
    private PromptEmbeds own(PromptEmbeds e, NDManager call) {
        return new PromptEmbeds(toCall(e.promptEmbeds(), call), toCall(e.attentionMask(), call),
                toCall(e.pooled(), call), e.truncatedTokens());
    }

    private NDArray toCall(NDArray a, NDManager call) {
        NDArray c = a.toType(DataType.FLOAT32, true); // a copy: the caller keeps its arrays
        c.attach(call);
        return device.equals(c.getDevice()) ? c : c.toDevice(device, false);
    }

    /** [B, C, (F-1)/temporal + 1, H/spatial, W/spatial]. */
    private long[] latentShape(GenerationRequest r) {
        return new long[] {r.batchSize(), ImageToVideo.latentChannels(transformer, vae),
            (r.frames() - 1) / vae.temporalCompression() + 1,
            r.height() / vae.spatialCompression(), r.width() / vae.spatialCompression()};
    }

    /**
     * {@code prepare_latents}: the caller's latents, or host-side Gaussian noise, item i from {@code seed + i}
     * (so each item can be reproduced alone); float32.
     */
    private NDArray prepareLatents(GenerationRequest r, long seed, NDManager call) {
        if (r.initialLatents() != null) {
            return r.initialLatents().toArray(call);
        }
        long[] shape = latentShape(r);
        long[] one = shape.clone();
        one[0] = 1;
        int itemSize = Math.toIntExact(Math.multiplyExact(Math.multiplyExact(one[1], one[2]),
                Math.multiplyExact(one[3], one[4])));
        float[] all = new float[Math.multiplyExact(itemSize, r.batchSize())];
        for (int i = 0; i < r.batchSize(); i++) {
            System.arraycopy(GaussianNoise.sample(seed + i, one).data(), 0, all, i * itemSize, itemSize);
        }
        return HostArrays.floats(call, all, new Shape(shape));
    }

    /** {@code guidance = tensor([guidance_scale] * B) * 1000}, or null for a model without guidance embeds. */
    private @Nullable NDArray guidance(GenerationRequest r, NDManager call) {
        if (!transformer.guidanceEmbeds()) {
            return null;
        }
        float[] g = new float[r.batchSize()];
        Arrays.fill(g, r.guidanceScale());
        return HostArrays.floats(call, g).mul(GUIDANCE_EMBED_SCALE);
    }

    /** {@code vae.decode(latents / scaling_factor)}: [B, 3, F, H, W] in about [-1, 1]. */
    private NDArray decode(NDArray latents) {
        return vae.decode(latents.div(vae.scalingFactor()));
    }

    /** {@code postprocess_video}: {@code clamp(x / 2 + 0.5, 0, 1)}, as [F, H, W, 3] per video of the batch. */
    private static List<float[]> postprocess(NDArray video) {
        List<float[]> out = new ArrayList<>();
        for (long b = 0; b < video.getShape().get(0); b++) {
            // [3, F, H, W] -> [F, H, W, 3]
            NDArray v = video.get(b).div(2f).add(0.5f).clip(0f, 1f).transpose(1, 2, 3, 0);
            out.add(v.toType(DataType.FLOAT32, false).toFloatArray());
        }
        return out;
    }

    private void acquire(CancellationToken cancel) {
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GenerationCancelledException("interrupted while waiting for another generation", 0);
        }
        if (cancel.isCancelled()) {
            lock.unlock();
            throw new GenerationCancelledException("cancelled before start", 0);
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

    /**
     * Reads a LoRA file (any layout of docs/lora.md) for the DiT and keeps it loaded but inactive, named after the
     * file ({@code style.safetensors} gives {@code style}; a PEFT {@code adapter_model.safetensors} its folder's
     * name; a clash gets {@code -2}, {@code -3}, ...). Waits for a running generation. The base weights are not
     * reloaded.
     *
     * @return the adapter's name, for {@link #setAdapters}
     * @throws io.hunyuan4j.core.lora.LoraException if the file does not fit the DiT (keys named)
     * @throws IllegalStateException if the pipeline is closed
     * @throws UnsupportedOperationException if the DiT takes no LoRA adapters
     */
    public String loadLora(Path file) {
        lock.lock();
        try {
            requireOpen();
            return loadLoraLocked(file);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Activates exactly these adapters (name to weight), deactivating the other loaded ones; an empty map gives the
     * base model. Waits for a running generation, so a generation never sees a half-switched model; the base
     * weights are not reloaded (LOW_RANK changes no weight; FUSED adds the change of delta to resident weights).
     *
     * @throws IllegalArgumentException naming an adapter that is not loaded, or for a weight that is not finite
     * @throws IllegalStateException if the pipeline is closed
     */
    public void setAdapters(Map<String, Float> weights) {
        lock.lock();
        try {
            requireOpen();
            if (weights.isEmpty() && loraAdapters == null) {
                return;
            }
            weights.forEach((n, w) -> {
                if (w == null || !Float.isFinite(w)) {
                    throw new IllegalArgumentException("LoRA weight must be finite but is " + w + " for " + n);
                }
            });
            adapters().setAdapters(weights);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deactivates and frees one loaded adapter. Waits for a running generation.
     *
     * @throws IllegalArgumentException if no adapter has that name
     */
    public void removeLora(String name) {
        lock.lock();
        try {
            requireOpen();
            if (loraAdapters == null || !loraFiles.containsKey(name)) {
                throw new IllegalArgumentException("adapter '" + name + "' is not loaded; loaded: "
                        + loraFiles.keySet());
            }
            loraAdapters.remove(name);
            loraFiles.remove(name);
        } finally {
            lock.unlock();
        }
    }

    /** The active LoRA adapters, with files and weights, in activation order (what the next generation uses). */
    public List<LoraWeight> loras() {
        lock.lock();
        try {
            return activeLoras();
        } finally {
            lock.unlock();
        }
    }

    /** The loaded LoRA adapters by name (active or not) and their files. */
    public Map<String, Path> loadedLoras() {
        lock.lock();
        try {
            return Map.copyOf(loraFiles);
        } finally {
            lock.unlock();
        }
    }

    private List<LoraWeight> activeLoras() {
        if (loraAdapters == null) {
            return List.of();
        }
        List<LoraWeight> out = new ArrayList<>();
        loraAdapters.active().forEach((n, w) ->
                out.add(new LoraWeight(n, Objects.requireNonNull(loraFiles.get(n), n), w)));
        return List.copyOf(out);
    }

    private String loadLoraLocked(Path file) {
        String name = loraName(file);
        adapters().load(name, file, unmatchedLoraKeys);
        loraFiles.put(name, file);
        return name;
    }

    private LoraAdapters adapters() {
        if (loraAdapters == null) {
            loraAdapters = LoraAdapters.attach(transformer, loraMode);
        }
        return loraAdapters;
    }

    /** The file's name without {@code .safetensors} (a PEFT folder's name for its adapter file), made unique. */
    private String loraName(Path file) {
        String f = file.getFileName().toString();
        String stem = f.endsWith(".safetensors") ? f.substring(0, f.length() - ".safetensors".length()) : f;
        if (stem.equals("adapter_model") && file.toAbsolutePath().getParent() != null
                && file.toAbsolutePath().getParent().getFileName() != null) {
            stem = file.toAbsolutePath().getParent().getFileName().toString();
        }
        String name = stem;
        for (int i = 2; loraFiles.containsKey(name); i++) {
            name = stem + "-" + i;
        }
        return name;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this VideoPipeline is closed");
        }
    }

    /** The scheduler requests use unless they override the shift. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** The compute precision. */
    public ComputeDtype computeDtype() {
        return computeDtype;
    }

    /** The offload mode. */
    public Offload offload() {
        return offload;
    }

    /** The device. */
    public Device device() {
        return device;
    }

    /** {@inheritDoc} */
    @Override
    public String family() {
        return HunyuanVideoFamily.NAME;
    }

    /**
     * {@return a request with diffusers' defaults}: {@link GenerationRequest#of(String)}; for a SkyReels-V1 I2V DiT
     * ({@code HunyuanSkyreelsImageToVideoPipeline}) {@code true_cfg_scale} {@value #SKYREELS_TRUE_CFG_SCALE} and
     * {@code guidance_scale} 1 (true CFG then needs a negative prompt).
     */
    @Override
    public GenerationRequest request(String prompt) {
        GenerationRequest r = GenerationRequest.of(prompt);
        return ImageToVideo.isSkyreels(transformer, vae)
                ? r.withTrueCfgScale(SKYREELS_TRUE_CFG_SCALE).withGuidanceScale(1f) : r;
    }

    /** Where the components came from (for provenance). */
    @Override
    public String model() {
        return model;
    }

    /** Waits for a running generation, then releases every component. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (textEncoder != null) {
                textEncoder.close();
                textEncoder = null;
            }
            if (loraAdapters != null) {
                loraAdapters.close();
                loraAdapters = null;
            }
            transformer.close();
            vae.close();
        } finally {
            lock.unlock();
        }
    }

    /** The prompt conditioning of one call; {@code negative} is null without true CFG. */
    private record Conditioning(PromptEmbeds positive, @Nullable PromptEmbeds negative, float trueCfgScale) { }

    /** The denoising loop of one call (step 7 of {@code __call__}). */
    private final class Denoising {
        private final Scheduler sch;
        private final Schedule schedule;
        private final Conditioning cond;
        private final @Nullable NDArray guidance;
        private final StepListener listener;
        private final CancellationToken cancel;
        private final @Nullable CacheSession session;
        private int evaluations;

        Denoising(Scheduler sch, Schedule schedule, Conditioning cond, @Nullable NDArray guidance,
                StepListener listener, CancellationToken cancel, @Nullable CacheSession session) {
            this.session = session;
            this.sch = sch;
            this.schedule = schedule;
            this.cond = cond;
            this.guidance = guidance;
            this.listener = listener;
            this.cancel = cancel;
        }

        NDArray run(NDArray initial, NDManager call, ImageToVideo i2v) {
            NDArray latents = initial;
            long t0 = System.nanoTime();
            int n = schedule.size();
            Velocity velocity = this::noisePred;
            for (int i = 0; i < n; i++) {
                checkCancelled(cancel, i);
                try (NDManager step = call.newSubManager()) {
                    latents.attach(step); // the previous latents die with this step
                    NDArray next = i2v.step(sch, schedule, i, velocity, latents);
                    next.attach(call);
                    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
                    Duration remaining = elapsed.dividedBy(i + 1).multipliedBy(n - i - 1);
                    LOG.debug("step {}/{} t={} {} ms", i + 1, n, schedule.timestep(i), elapsed.toMillis());
                    listener.onStep(new StepEvent(i, n, schedule.timestep(i), elapsed, remaining, next));
                    latents = next;
                }
            }
            return latents;
        }

        /** The transformer call(s) of one evaluation, with true CFG {@code neg + s * (pos - neg)}. */
        private NDArray noisePred(NDArray sample, float t) {
            // timestep = t.expand(latents.shape[0]).to(latents.dtype)
            float[] ts = new float[(int) sample.getShape().get(0)];
            Arrays.fill(ts, t);
            NDArray timestep = HostArrays.floats(sample.getManager(), ts);
            NDArray noisePred = forward(sample, timestep, cond.positive(), "cond");
            if (cond.negative() != null) {
                NDArray negNoisePred = forward(sample, timestep, cond.negative(), "uncond");
                noisePred = Guidance.classifierFree(negNoisePred, noisePred, cond.trueCfgScale());
            }
            return noisePred;
        }

        /** One DiT call; {@code context} names its guidance branch in the step cache (diffusers' cache_context). */
        private NDArray forward(NDArray sample, NDArray timestep, PromptEmbeds e, String context) {
            evaluations++;
            NDArray mask = e.attentionMask().toType(DataType.FLOAT32, false);
            DenoiserInput input = new DenoiserInput(sample, timestep, e.promptEmbeds(), mask, e.pooled(), guidance);
            return session == null ? transformer.forward(input)
                    : transformer.forward(input, session.context(context));
        }
    }

    /**
     * Configures a {@link VideoPipeline}; required components are {@link VideoPipeline#builder} arguments, the
     * rest are optional settings with the reference's defaults.
     */
    public static final class Builder {
        private final Denoiser transformer;
        private final PromptEncoder textEncoder;
        private final LatentDecoder vae;
        private Scheduler scheduler = FlowMatchEulerScheduler.withShift(DEFAULT_FLOW_SHIFT);
        private Device device = Device.cpu();
        private ComputeDtype computeDtype = ComputeDtype.FLOAT32;
        private Offload offload = Offload.NONE;
        private long memoryBudget = Long.MAX_VALUE;
        private String model = "in-memory components";
        private @Nullable Supplier<PromptEncoder> textEncoderLoader;
        private @Nullable PromptRewriter promptRewriter;
        private final List<Map.Entry<Path, Float>> loras = new ArrayList<>();
        private LoraAdapters.Mode loraMode = LoraAdapters.Mode.LOW_RANK;
        private UnmatchedKeys unmatchedLoraKeys = UnmatchedKeys.FAIL;
        private @Nullable StepCache cache;

        private Builder(Denoiser transformer, PromptEncoder textEncoder, LatentDecoder vae) {
            this.transformer = Objects.requireNonNull(transformer, "transformer");
            this.textEncoder = Objects.requireNonNull(textEncoder, "textEncoder");
            this.vae = Objects.requireNonNull(vae, "vae");
        }

        /** The sampler (default flow-match Euler with shift 7.0, as HunyuanVideo ships). */
        public Builder scheduler(Scheduler s) {
            this.scheduler = Objects.requireNonNull(s, "scheduler");
            return this;
        }

        /** Where latents live (default CPU); the components must have been loaded for the same device. */
        public Builder device(Device d) {
            this.device = Objects.requireNonNull(d, "device");
            return this;
        }

        /**
         * The precision the components were loaded in, recorded in the provenance (default float32). Latents
         * and scheduler steps stay float32 as in the reference.
         */
        public Builder computeDtype(ComputeDtype d) {
            this.computeDtype = Objects.requireNonNull(d, "computeDtype");
            return this;
        }

        /**
         * The offload mode (default {@link Offload#NONE}). With {@code MODEL} or {@code BLOCK} the prompt
         * encoder (the 8B MLLM) is released right after encoding and reloaded for the next prompt through
         * {@link #textEncoderLoader} (set by {@link VideoPipeline#fromPretrained}); the DiT's weights are
         * onloaded for the denoising loop only ({@code MODEL}) or one block at a time ({@code BLOCK}), and the
         * VAE's decoder weights for decoding only ({@code MODEL}) or one decoder stage at a time, per tile
         * ({@code BLOCK}), which needs components bound LAZY so released weights can be re-read from the
         * checkpoint. Device placements are counted and reported in each result's provenance
         * ({@code transformer}, {@code vae}, {@code total}). docs/offload.md.
         */
        public Builder offload(Offload o) {
            this.offload = Objects.requireNonNull(o, "offload");
            return this;
        }

        /**
         * The most weight bytes the offloader may place on the device at once (default: unbounded). A
         * placement past it fails with {@link io.hunyuan4j.core.offload.DeviceBudgetExceededException} before
         * the weights are read.
         */
        public Builder memoryBudget(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("memoryBudget must be > 0 bytes but is " + bytes);
            }
            this.memoryBudget = bytes;
            return this;
        }

        /** Describes where the components came from, for provenance (e.g. the model folder). */
        public Builder model(String description) {
            this.model = Objects.requireNonNull(description, "model");
            return this;
        }

        /**
         * How to reload the prompt encoder after offload released it; without one, a pipeline with offload
         * encodes text once and then accepts only precomputed embeddings.
         */
        public Builder textEncoderLoader(Supplier<PromptEncoder> loader) {
            this.textEncoderLoader = Objects.requireNonNull(loader, "textEncoderLoader");
            return this;
        }

        /**
         * Rewrites the prompts of requests that ask for it ({@link GenerationRequest#withRewrite}) before they
         * are encoded, e.g. {@code io.hunyuan4j.core.rewrite.ChatCompletionsRewriter} over an LLM endpoint
         * (default: none, and such requests fail). The pipeline does not close it. docs/prompt-rewrite.md.
         */
        public Builder promptRewriter(PromptRewriter rewriter) {
            this.promptRewriter = Objects.requireNonNull(rewriter, "promptRewriter");
            return this;
        }

        /**
         * Adds a LoRA adapter for the DiT, active with {@code weight} ({@code W + weight * (alpha / r) * B A});
         * repeatable, one adapter per call. The adapter is named after the file (see
         * {@link VideoPipeline#loadLora}), read by {@link #build()}, and can be switched or removed on the built
         * pipeline ({@link VideoPipeline#setAdapters}) without reloading the base weights. docs/lora.md.
         */
        public Builder lora(Path file, float weight) {
            Objects.requireNonNull(file, "file");
            if (!Float.isFinite(weight)) {
                throw new IllegalArgumentException("LoRA weight must be finite but is " + weight + " for " + file);
            }
            loras.add(Map.entry(file, weight));
            return this;
        }

        /** How adapters enter the DiT (default {@link LoraAdapters.Mode#LOW_RANK}: exact, instant switching). */
        public Builder loraMode(LoraAdapters.Mode mode) {
            this.loraMode = Objects.requireNonNull(mode, "loraMode");
            return this;
        }

        /**
         * A step cache for the denoising loop (default: none): First-Block Cache, TaylorSeer, MagCache or
         * TeaCache, each skipping or approximating the DiT's block stack at some steps; with true CFG the
         * conditional and unconditional passes keep separate state (diffusers' {@code cache_context("cond")} /
         * {@code ("uncond")}). What it computed and skipped is in each result's
         * {@link Provenance#stepCache()}. docs/caching.md.
         */
        public Builder cache(StepCache c) {
            this.cache = Objects.requireNonNull(c, "cache");
            return this;
        }

        /**
         * What loading a LoRA file does with keys that fit no layer of the DiT (default
         * {@link UnmatchedKeys#FAIL}; {@link UnmatchedKeys#WARN} skips them with a warning, as diffusers does for
         * DoRA keys). Applies to {@link #lora} and to {@link VideoPipeline#loadLora}.
         */
        public Builder unmatchedLoraKeys(UnmatchedKeys policy) {
            this.unmatchedLoraKeys = Objects.requireNonNull(policy, "unmatchedLoraKeys");
            return this;
        }

        /**
         * Checks that the components fit together, reads the {@link #lora} files, and builds the pipeline.
         *
         * @throws IllegalArgumentException if the DiT's latent channels differ from the VAE's; if a component
         *     declares a device or compute dtype other than this builder's (naming both); if the memory budget
         *     cannot hold what the offload mode places at once (naming the block or component and its bytes); if
         *     MODEL or BLOCK offload meets a component not bound LAZY
         * @throws io.hunyuan4j.core.lora.LoraException if a LoRA file does not fit the DiT (the components are left
         *     unchanged and still the caller's)
         * @throws UnsupportedOperationException for LoRA on a DiT that takes no adapters
         */
        public VideoPipeline build() {
            if (ImageToVideo.latentChannels(transformer, vae) != vae.latentChannels()
                    || (transformer.imageConditionType() == ImageConditionType.LATENT_CONCAT
                            && transformer.inChannels() != 2 * vae.latentChannels() + 1)) {
                throw new IllegalArgumentException("transformer in_channels " + transformer.inChannels()
                        + " must equal vae latent_channels " + vae.latentChannels()
                        + (transformer.imageConditionType() == ImageConditionType.LATENT_CONCAT
                                ? " * 2 + 1 (latent_concat: latents, image latents and mask)" : ""));
            }
            if (cache != null && !transformer.supportsStepCache()) {
                throw new IllegalArgumentException("cache " + cache + " needs a transformer that supports step"
                        + " caching, but " + transformer.getClass().getSimpleName() + " does not");
            }
            requireSame("transformer", transformer.device(), transformer.computeDtype());
            requireSame("textEncoder", textEncoder.device(), textEncoder.computeDtype());
            requireSame("vae", vae.device(), vae.computeDtype());
            OffloadPlan.of(offload, device, computeDtype, memoryBudget, List.of(transformer, vae)).checkBudget();
            VideoPipeline pipeline = new VideoPipeline(this);
            if (!loras.isEmpty()) {
                try {
                    Map<String, Float> active = new LinkedHashMap<>();
                    for (Map.Entry<Path, Float> l : loras) {
                        active.put(pipeline.loadLoraLocked(l.getKey()), l.getValue());
                    }
                    pipeline.adapters().setAdapters(active);
                } catch (RuntimeException e) {
                    if (pipeline.loraAdapters != null) {
                        pipeline.loraAdapters.close(); // the base weights again
                    }
                    throw e;
                }
            }
            return pipeline;
        }

        /**
         * The pipeline's device and compute dtype come from this builder alone: a component that declares its own
         * must agree (one that declares none is not checked).
         */
        private void requireSame(String component, @Nullable Device d, @Nullable ComputeDtype dtype) {
            if (d != null && !d.equals(device)) {
                throw new IllegalArgumentException(component + " device " + d + " differs from the pipeline's device "
                        + device + "; load every component for the device given to the builder's device(...)");
            }
            if (dtype != null && dtype != computeDtype) {
                throw new IllegalArgumentException(component + " computeDtype " + dtype
                        + " differs from the pipeline's computeDtype " + computeDtype
                        + "; load every component in the dtype given to the builder's computeDtype(...)");
            }
        }
    }

    /** Parameters for logs: the settings this pipeline was built with. */
    @Override
    public String toString() {
        return "VideoPipeline[model=" + model + ", scheduler=" + scheduler + ", device=" + device + ", dtype="
                + computeDtype + ", offload=" + offload + "]";
    }
}
