package io.hunyuan4j.examples;

import io.hunyuan4j.cogvideox.pipeline.CogVideoXPipeline;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.ImageConditionType;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.lora.LoraAdapters;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.pipeline.CancellationToken;
import io.hunyuan4j.core.pipeline.ConditionImage;
import io.hunyuan4j.core.pipeline.GenerationCancelledException;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Generator;
import io.hunyuan4j.core.pipeline.HunyuanVideoFamily;
import io.hunyuan4j.core.pipeline.OutputFiles;
import io.hunyuan4j.core.pipeline.PipelineFamily;
import io.hunyuan4j.core.pipeline.Pipelines;
import io.hunyuan4j.core.pipeline.RewrittenPrompt;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.core.scheduler.FlowMatchEulerScheduler;
import io.hunyuan4j.core.scheduler.FlowMatchHeunScheduler;
import io.hunyuan4j.core.scheduler.Scheduler;
import io.hunyuan4j.core.scheduler.SchedulerConfig;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.dit.pipeline.HunyuanDiTFamily;
import io.hunyuan4j.testing.TinyCogVideoX;
import io.hunyuan4j.testing.TinyHunyuanDiT;
import io.hunyuan4j.testing.TinyModel;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code generate --prompt TEXT [options] --out FILE.mp4|FILE.png}: text to video (or, with one frame or a
 * {@code .png} output, text to image). {@code --prompt} may repeat and {@code --videos-per-prompt} ask for
 * several videos each: they run as one batch ({@link VideoPipeline#generateBatch}) and, when there is more than one
 * video, {@code --out cat.mp4} writes {@code cat-0.mp4}, {@code cat-1.mp4}, ... in prompt-major order. Every
 * argument and the output paths are checked before any model is loaded. Without {@code --model} the embedded tiny
 * random-weight model runs (noise-like output, by design).
 */
@Command(name = "generate", sortOptions = false, sortSynopsis = false,
        optionListHeading = "%nOptions:%n",
        description = {"Text to video (or, with --frames 1 or a .png output, text to image).",
            "Without --model the embedded tiny model runs: RANDOM weights, noise-like output, small defaults"
                + " (64x64, 9 frames, 4 steps); with --model DIR a diffusers-layout HunyuanVideo folder runs with"
                + " diffusers' defaults (720x1280, 129 frames, 50 steps).",
            "Several --prompt and --videos-per-prompt N run as one batch.",
            "With more than one video, --out cat.mp4 writes cat-0.mp4, cat-1.mp4, ... in prompt-major order",
            "(video v of prompt p is number p * N + v), each with its own 'wrote' line."},
        footer = {"", "Example (4 videos: pets-0.mp4 .. pets-3.mp4):",
            "  hunyuan4j generate --prompt 'a cat' --prompt 'a dog' --videos-per-prompt 2 --out pets.mp4"})
final class GenerateCommand implements Callable<Integer> {

    static final String TINY_NOTE = "note: no --model given, so the embedded tiny model runs: it has RANDOM"
            + " weights, so the output is noise-like by design. For real videos download a diffusers-layout"
            + " HunyuanVideo folder (e.g. hunyuanvideo-community/HunyuanVideo) and pass --model DIR.";

    /** {@code --scheduler}: the flow-matching sampler. */
    enum SchedulerName { EULER, HEUN }

    @Option(names = "--prompt", required = true, paramLabel = "TEXT",
            description = "The text to generate from. Repeat for several prompts, run as one batch.")
    private List<String> prompts = new ArrayList<>();

    @Option(names = "--negative-prompt", paramLabel = "TEXT",
            description = "What true CFG (--true-cfg > 1) steers away from. Give it once (for every prompt) or once"
                    + " per --prompt, in the same order.")
    private List<String> negativePrompts = new ArrayList<>();

    @Option(names = "--videos-per-prompt", paramLabel = "N", defaultValue = "1",
            description = "Videos per prompt, each from its own seed (seed + item index). Default: ${DEFAULT-VALUE}.")
    private int videosPerPrompt;

    @Option(names = "--model", paramLabel = "DIR",
            description = "A diffusers-layout HunyuanVideo folder (model_index.json). Default: the embedded tiny"
                    + " random-weight model.")
    private @Nullable Path model;

    @Option(names = "--height", paramLabel = "H", description = "Pixels, a multiple of 16. Default: 720 (tiny: 64).")
    private @Nullable Integer height;

    @Option(names = "--width", paramLabel = "W", description = "Pixels, a multiple of 16. Default: 1280 (tiny: 64).")
    private @Nullable Integer width;

    @Option(names = "--frames", paramLabel = "F",
            description = "4k+1; 1 makes an image. Default: 129 (tiny: 9; 1 for a .png output).")
    private @Nullable Integer frames;

    @Option(names = "--steps", paramLabel = "N", description = "Denoising steps. Default: 50 (tiny: 4).")
    private @Nullable Integer steps;

    @Option(names = "--guidance", paramLabel = "G", description = "HunyuanVideo: the embedded (distilled) guidance"
            + " scale; CogVideoX and HunyuanDiT: the classifier-free guidance scale. Default: the family's ("
            + GenerationRequest.DEFAULT_GUIDANCE_SCALE + " for HunyuanVideo).")
    private @Nullable Float guidance;

    @Option(names = "--true-cfg", paramLabel = "G", description = "True classifier-free guidance scale, >= 1;"
            + " above 1 with --negative-prompt runs the DiT twice per step. Default: 1 (off).")
    private float trueCfg = GenerationRequest.DEFAULT_TRUE_CFG_SCALE;

    @Option(names = "--shift", paramLabel = "S", description = "Overrides the scheduler's flow shift.")
    private @Nullable Float shift;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the initial noise (item i of a batch uses"
            + " seed + i). Default: a fresh seed, printed.")
    private @Nullable Long seed;

    @Option(names = "--fps", paramLabel = "N", description = "Frames per second of the MP4. Default: the family's ("
            + GenerationRequest.DEFAULT_FPS + " for HunyuanVideo).")
    private @Nullable Integer fps;

    @Option(names = "--scheduler", paramLabel = "euler|heun", defaultValue = "euler",
            description = "The flow-matching sampler. Default: euler.")
    private SchedulerName scheduler = SchedulerName.EULER;

    @Option(names = "--dtype", paramLabel = "fp32|bf16", defaultValue = "fp32",
            description = "Compute dtype. Default: fp32.")
    private ComputeDtype dtype = ComputeDtype.FLOAT32;

    @Option(names = "--offload", paramLabel = "none|model|block", defaultValue = "none",
            description = "Keep weights off the device between uses: per model or per block. Default: none.")
    private Offload offload = Offload.NONE;

    @Option(names = "--rewrite", paramLabel = "none|normal|master",
            description = "Rewrite each prompt first through an OpenAI-compatible endpoint (docs/prompt-rewrite.md;"
                    + " API key from $" + io.hunyuan4j.core.rewrite.ChatCompletionsRewriter.DEFAULT_API_KEY_ENV
                    + "). Default: none.")
    private @Nullable String rewrite;

    @Option(names = "--rewrite-endpoint", paramLabel = "URL",
            description = "The API base of the rewrite model, e.g. http://localhost:8000/v1.")
    private @Nullable String rewriteEndpoint;

    @Option(names = "--rewrite-model", paramLabel = "NAME", description = "The rewrite model's name at the endpoint.")
    private @Nullable String rewriteModel;

    @Option(names = "--family", paramLabel = "hunyuanvideo|cogvideox|hunyuandit",
            description = "The model family: which embedded tiny model runs without --model (with --model the"
                    + " folder's model_index.json decides, and --family must agree). Default: hunyuanvideo.")
    private @Nullable String family;

    @Option(names = "--lora", paramLabel = "FILE[:WEIGHT]",
            description = "A LoRA adapter for the DiT (PEFT/diffusers, Tencent's original or kohya/musubi layout;"
                    + " docs/lora.md), with its weight (default 1). Repeat for several.")
    private List<String> loras = new ArrayList<>();

    @Option(names = "--lora-mode", paramLabel = "low-rank|fused", defaultValue = "low-rank",
            description = "Keep adapters as a separate low-rank term (exact, instant switching) or fuse them into"
                    + " the weights. Default: low-rank.")
    private String loraMode = "low-rank";

    @Option(names = "--transformer", paramLabel = "FILE",
            description = "Read the DiT from this single file instead of the folder's transformer/ (Tencent's"
                    + " original layout, ComfyUI prefixes, FP8; docs/checkpoints.md). Needs --model.")
    private @Nullable Path transformer;

    @Option(names = "--image", paramLabel = "FILE",
            description = "Image to video: the image to animate (PNG, JPEG, BMP, GIF; RGB, gray or with alpha, 8 or"
                    + " 16 bits; resized to --height x --width). Needs an image-to-video model; without --model the"
                    + " tiny model's token-replace variant runs.")
    private @Nullable Path image;

    @Option(names = "--out", required = true, paramLabel = "FILE.mp4|FILE.png",
            description = "The output. A .png (or --frames 1) writes one image. With more than one video: FILE-0.mp4,"
                    + " FILE-1.mp4, ... beside it.")
    private Path out;

    private final PrintStream stdout;
    private final PrintStream stderr;

    GenerateCommand(PrintStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    @Override
    public Integer call() {
        if (model != null && !Files.isDirectory(model)) {
            throw new Cli.UsageException("--model " + model + " is not a folder");
        }
        if (transformer != null && model == null) {
            throw new Cli.UsageException("--transformer needs --model: the folder holding the text encoders and"
                    + " the VAE");
        }
        if (transformer != null && !Files.isRegularFile(transformer)) {
            throw new Cli.UsageException("--transformer " + transformer + " is not a file");
        }
        String ext = OutputFiles.requireWritable(out, "mp4", "png");
        boolean png = ext.equals("png");
        PipelineFamily fam = family();
        if (!fam.name().equals(HunyuanVideoFamily.NAME)) {
            return generateOther(fam, ext, png);
        }
        RewriteOptions rewriteOptions = RewriteOptions.parse(rewrite, rewriteEndpoint, rewriteModel);
        GenerationRequest request = rewriteOptions.applyTo(request(model == null, png));
        if (image != null) {
            // read and checked before any model is loaded: a bad file fails in milliseconds
            request = request.withImage(ConditionImage.read(image));
        }
        List<Path> files = writableOutputs(request, ext, png);
        return run(request, files, png, model == null ? TINY_NOTE : null, () -> load(rewriteOptions));
    }

    /**
     * The checks on {@code --out} before any model loads: a PNG holds one frame, and every output file of the batch
     * must be writable.
     */
    private List<Path> writableOutputs(GenerationRequest request, String ext, boolean png) {
        if (png && request.frames() != 1) {
            throw new Cli.UsageException("--out " + out.getFileName() + " is a PNG but --frames is "
                    + request.frames() + "; use --frames 1 for an image or a .mp4 output");
        }
        List<Path> files = outputFiles(out, request.batchSize());
        for (Path f : files) {
            OutputFiles.requireWritable(f, ext);
        }
        return files;
    }

    /**
     * Generates with the generator {@code open} makes and writes the outputs; Ctrl-C cancels the generation
     * (through a shutdown hook) and nothing is written.
     *
     * @param note printed before the generator is opened, if not null
     * @return the exit code: 0, or 130 when cancelled
     */
    private Integer run(GenerationRequest request, List<Path> files, boolean png, @Nullable String note,
            Supplier<Generator> open) {
        CancellationToken cancel = new CancellationToken();
        Thread hook = new Thread(cancel::cancel, "hunyuan4j-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        if (note != null) {
            stdout.println(note);
        }
        try (Generator gen = open.get()) {
            List<Video> videos = gen.generateBatch(request, new ProgressBar(stderr), cancel);
            for (int i = 0; i < videos.size(); i++) {
                write(videos.get(i), files.get(i), png, i % request.videosPerPrompt() == 0);
            }
            return 0;
        } catch (GenerationCancelledException e) {
            stderr.println("cancelled: " + e.getMessage() + "; nothing written");
            return 130;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting; the hook has run
            }
        }
    }

    /** The family of {@code --model} (its model_index.json), else of {@code --family}, else HunyuanVideo. */
    private PipelineFamily family() {
        if (model == null) {
            return Pipelines.family(family == null ? HunyuanVideoFamily.NAME : family.toLowerCase(Locale.ROOT));
        }
        PipelineFamily f = Pipelines.familyOf(model);
        if (family != null && !family.equalsIgnoreCase(f.name())) {
            throw new Cli.UsageException("--family " + family + " but --model " + model + " holds a " + f.name()
                    + " model (its model_index.json)");
        }
        return f;
    }

    /**
     * CogVideoX and HunyuanDiT: the family's {@link Generator}, the tiny one without {@code --model}. The
     * HunyuanVideo-only options are refused before anything loads.
     */
    private Integer generateOther(PipelineFamily fam, String ext, boolean png) {
        List<String> hunyuanOnly = new ArrayList<>();
        if (trueCfg != GenerationRequest.DEFAULT_TRUE_CFG_SCALE) {
            hunyuanOnly.add("--true-cfg");
        }
        if (shift != null) {
            hunyuanOnly.add("--shift");
        }
        if (scheduler != SchedulerName.EULER) {
            hunyuanOnly.add("--scheduler");
        }
        if (!loras.isEmpty()) {
            hunyuanOnly.add("--lora");
        }
        if (transformer != null) {
            hunyuanOnly.add("--transformer");
        }
        if (rewrite != null) {
            hunyuanOnly.add("--rewrite");
        }
        if (image != null && !fam.name().equals(CogVideoXPipeline.FAMILY)) {
            hunyuanOnly.add("--image");
        }
        if (!hunyuanOnly.isEmpty()) {
            throw new Cli.UsageException(String.join(", ", hunyuanOnly) + ": options of HunyuanVideo (--image: of"
                    + " HunyuanVideo and CogVideoX), but the model is " + fam.name());
        }
        Path folder = model;
        boolean tiny = folder == null;
        GenerationRequest defaults = tiny ? tinyDefaults(fam.name(), prompts.get(0)) : fam.request(prompts.get(0));
        if (negativePrompts.size() > 1 && negativePrompts.size() != prompts.size()) {
            throw new Cli.UsageException("--negative-prompt is given " + negativePrompts.size() + " times; give it"
                    + " once (for every prompt) or once per --prompt (" + prompts.size() + ")");
        }
        GenerationRequest request = defaults.withPrompts(prompts).withNegativePrompts(negativePrompts)
                .withVideosPerPrompt(videosPerPrompt)
                .withSize(or(height, defaults.height()), or(width, defaults.width()))
                .withFrames(or(frames, png ? 1 : defaults.frames()))
                .withSteps(or(steps, defaults.steps()))
                .withGuidanceScale(guidance == null ? defaults.guidanceScale() : guidance)
                .withFps(or(fps, defaults.fps()));
        if (seed != null) {
            request = request.withSeed(seed);
        }
        if (image != null) {
            // read and checked before any model is loaded; the model must be an image-to-video one
            request = request.withImage(ConditionImage.read(image));
        }
        List<Path> files = writableOutputs(request, ext, png);
        ComponentOptions options = new ComponentOptions(ai.djl.Device.cpu(), dtype, offload.loadMode(LoadMode.EAGER));
        String note = !tiny ? null : "note: no --model given, so the embedded tiny " + fam.name() + " model runs: it"
                + " has RANDOM weights, so the output is noise-like by design. Pass --model DIR with a"
                + " diffusers-layout " + fam.name() + " folder for real results.";
        return run(request, files, png, note, () -> folder == null ? tinyGenerator(fam.name(), options, image != null)
                : Pipelines.fromPretrained(folder, options, offload));
    }

    /** The tiny models' small defaults (the families' real defaults would take minutes on a CPU). */
    private static GenerationRequest tinyDefaults(String family, String prompt) {
        return switch (family) {
            case CogVideoXPipeline.FAMILY -> GenerationRequest.of(prompt).withSize(TinyCogVideoX.DEFAULT_HEIGHT,
                    TinyCogVideoX.DEFAULT_WIDTH).withFrames(TinyCogVideoX.DEFAULT_FRAMES)
                    .withSteps(TinyCogVideoX.DEFAULT_STEPS).withGuidanceScale(CogVideoXPipeline.DEFAULT_GUIDANCE_SCALE)
                    .withFps(CogVideoXPipeline.DEFAULT_FPS);
            case HunyuanDiTFamily.NAME -> GenerationRequest.of(prompt).withSize(TinyHunyuanDiT.DEFAULT_SIZE,
                    TinyHunyuanDiT.DEFAULT_SIZE).withFrames(1).withSteps(TinyHunyuanDiT.DEFAULT_STEPS)
                    .withGuidanceScale(TinyHunyuanDiT.DEFAULT_GUIDANCE_SCALE);
            default -> throw new Cli.UsageException("no embedded tiny model for family " + family);
        };
    }

    private static Generator tinyGenerator(String family, ComponentOptions options, boolean imageToVideo) {
        return switch (family) {
            case CogVideoXPipeline.FAMILY -> imageToVideo ? TinyCogVideoX.imageToVideoGenerator(options)
                    : TinyCogVideoX.generator(options);
            case HunyuanDiTFamily.NAME -> TinyHunyuanDiT.generator(options);
            default -> throw new Cli.UsageException("no embedded tiny model for family " + family);
        };
    }

    /** Saves one video and prints its lines: the rewritten prompt (first video of a prompt), then 'wrote ...'. */
    private void write(Video video, Path file, boolean png, boolean firstOfItsPrompt) {
        if (png) {
            video.savePng(file);
        } else {
            video.saveMp4(file);
        }
        RewrittenPrompt rewrite = video.provenance().rewrite();
        if (firstOfItsPrompt && rewrite != null) {
            stdout.println("prompt (" + rewrite.mode().name().toLowerCase(Locale.ROOT) + " rewrite): "
                    + rewrite.rewritten());
        }
        stdout.printf(Locale.ROOT, "wrote %s: %d frame%s %dx%d, %d fps, seed %s, %s, %.1f s%n", file,
                video.frameCount(), video.frameCount() == 1 ? "" : "s", video.height(), video.width(),
                video.fps(), video.provenance().seed(), video.provenance().scheduler(),
                video.provenance().total().toMillis() / 1000.0);
    }

    /** {@code out} itself for one video; {@code NAME-i.EXT} beside it, i = 0..count-1, for several. */
    static List<Path> outputFiles(Path out, int count) {
        if (count == 1) {
            return List.of(out);
        }
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        List<Path> files = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            files.add(out.resolveSibling(name.substring(0, dot) + "-" + i + name.substring(dot)));
        }
        return List.copyOf(files);
    }

    private VideoPipeline load(RewriteOptions rewriteOptions) {
        ComponentOptions options = new ComponentOptions(ai.djl.Device.cpu(), dtype, offload.loadMode(LoadMode.EAGER));
        SchedulerConfig config = model == null ? SchedulerConfig.withShift(TinyModel.FLOW_SHIFT)
                : SchedulerConfig.fromJson(JsonConfig.read(model.resolve("scheduler/scheduler_config.json")));
        Scheduler s = scheduler == SchedulerName.HEUN ? new FlowMatchHeunScheduler(config)
                : new FlowMatchEulerScheduler(config);
        VideoPipeline.Builder b = model == null
                ? (image != null ? TinyModel.builder(options, ImageConditionType.TOKEN_REPLACE) : TinyModel.builder(options))
                : transformer == null ? VideoPipeline.pretrained(model, options)
                : VideoPipeline.pretrained(model, options, transformer);
        b.loraMode(loraMode());
        for (String spec : loras) {
            Map.Entry<Path, Float> lora = parseLora(spec);
            b.lora(lora.getKey(), lora.getValue());
        }
        return rewriteOptions.applyTo(b.scheduler(s).offload(offload)).build();
    }

    private LoraAdapters.Mode loraMode() {
        return switch (loraMode.toLowerCase(Locale.ROOT)) {
            case "low-rank", "low_rank", "lowrank" -> LoraAdapters.Mode.LOW_RANK;
            case "fused", "fuse" -> LoraAdapters.Mode.FUSED;
            default -> throw new Cli.UsageException("--lora-mode must be low-rank or fused but is " + loraMode);
        };
    }

    /**
     * {@code FILE} or {@code FILE:WEIGHT}. The weight is what follows the last colon when that parses as a number,
     * so a path with colons (a Windows drive) stays a path.
     */
    static Map.Entry<Path, Float> parseLora(String spec) {
        int colon = spec.lastIndexOf(':');
        Path file = Path.of(spec);
        float weight = 1f;
        if (colon > 0 && colon < spec.length() - 1) {
            try {
                weight = Float.parseFloat(spec.substring(colon + 1));
                file = Path.of(spec.substring(0, colon));
            } catch (NumberFormatException notAWeight) {
                // the colon belongs to the path
            }
        }
        if (!Float.isFinite(weight)) {
            throw new Cli.UsageException("--lora " + spec + ": the weight must be a finite number");
        }
        if (!Files.isRegularFile(file)) {
            throw new Cli.UsageException("--lora " + spec + ": " + file + " is not a file");
        }
        return Map.entry(file, weight);
    }

    /** The request; tiny-model defaults are small (64x64, 9 frames, 4 steps), real-model defaults diffusers'. */
    private GenerationRequest request(boolean tiny, boolean png) {
        if (negativePrompts.size() > 1 && negativePrompts.size() != prompts.size()) {
            throw new Cli.UsageException("--negative-prompt is given " + negativePrompts.size() + " times; give it"
                    + " once (for every prompt) or once per --prompt (" + prompts.size() + ")");
        }
        if (videosPerPrompt < 1 || (long) videosPerPrompt * prompts.size() > GenerationRequest.MAX_BATCH) {
            throw new Cli.UsageException("--videos-per-prompt must be >= 1 and make at most "
                    + GenerationRequest.MAX_BATCH + " videos with the " + prompts.size() + " --prompt but is "
                    + videosPerPrompt);
        }
        int defaultFrames = png ? 1 : tiny ? TinyModel.DEFAULT_FRAMES : GenerationRequest.DEFAULT_FRAMES;
        GenerationRequest r = GenerationRequest.of(prompts).withNegativePrompts(negativePrompts)
                .withVideosPerPrompt(videosPerPrompt)
                .withSize(or(height, tiny ? TinyModel.DEFAULT_SIZE : GenerationRequest.DEFAULT_HEIGHT),
                        or(width, tiny ? TinyModel.DEFAULT_SIZE : GenerationRequest.DEFAULT_WIDTH))
                .withFrames(or(frames, defaultFrames))
                .withSteps(or(steps, tiny ? TinyModel.DEFAULT_STEPS : GenerationRequest.DEFAULT_STEPS))
                .withGuidanceScale(guidance == null ? GenerationRequest.DEFAULT_GUIDANCE_SCALE : guidance)
                .withTrueCfgScale(trueCfg)
                .withFps(fps == null ? GenerationRequest.DEFAULT_FPS : fps);
        if (shift != null) {
            r = r.withFlowShift(shift);
        }
        if (seed != null) {
            r = r.withSeed(seed);
        }
        return r;
    }

    private static int or(@Nullable Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
