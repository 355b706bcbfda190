package io.hunyuan4j.examples;

import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.pipeline.CancellationToken;
import io.hunyuan4j.core.pipeline.ComponentOptions;
import io.hunyuan4j.core.pipeline.GenerationCancelledException;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.OutputFiles;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.core.scheduler.FlowMatchEulerScheduler;
import io.hunyuan4j.core.scheduler.FlowMatchHeunScheduler;
import io.hunyuan4j.core.scheduler.Scheduler;
import io.hunyuan4j.core.scheduler.SchedulerConfig;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.testing.TinyModel;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * {@code generate --prompt TEXT [options] --out FILE.mp4|FILE.png}: text to video (or, with one frame or a
 * {@code .png} output, text to image). Every argument and the output path are checked before any model is
 * loaded. Without {@code --model} the embedded tiny random-weight model runs (noise-like output, by design).
 */
final class GenerateCommand {

    static final String USAGE = "usage: generate --prompt TEXT [--negative-prompt TEXT] [--model DIR]"
            + " [--height H --width W --frames F --steps N --guidance G --true-cfg G --shift S --seed N --fps N"
            + " --scheduler euler|heun --dtype fp32|bf16 --offload none|model|block] " + RewriteOptions.USAGE
            + " --out FILE.mp4|FILE.png";

    static final String TINY_NOTE = "note: no --model given, so the embedded tiny model runs: it has RANDOM"
            + " weights, so the output is noise-like by design. For real videos download a diffusers-layout"
            + " HunyuanVideo folder (e.g. hunyuanvideo-community/HunyuanVideo) and pass --model DIR.";

    private GenerateCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> o = parse(args);
        Path model = o.containsKey("model") ? GoldenCheckCommand.resolve(o.get("model")) : null;
        if (model != null && !Files.isDirectory(model)) {
            throw new Cli.UsageException("--model " + o.get("model") + " is not a folder");
        }
        Path outFile = GoldenCheckCommand.resolve(require(o, "out"));
        String ext = OutputFiles.requireWritable(outFile, "mp4", "png");
        RewriteOptions rewrite = RewriteOptions.parse(o);
        GenerationRequest request = rewrite.applyTo(request(o, model == null, ext.equals("png")));
        if (ext.equals("png") && request.frames() != 1) {
            throw new Cli.UsageException("--out " + outFile.getFileName() + " is a PNG but --frames is "
                    + request.frames() + "; use --frames 1 for an image or a .mp4 output");
        }
        ComputeDtype dtype = ComputeDtype.parse(o.getOrDefault("dtype", "fp32"));
        Offload offload = Offload.parse(o.getOrDefault("offload", "none"));
        String scheduler = o.getOrDefault("scheduler", "euler");
        if (!scheduler.equals("euler") && !scheduler.equals("heun")) {
            throw new Cli.UsageException("--scheduler must be euler or heun but is '" + scheduler + "'");
        }
        CancellationToken cancel = new CancellationToken();
        Thread hook = new Thread(cancel::cancel, "hunyuan4j-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        if (model == null) {
            out.println(TINY_NOTE);
        }
        try (VideoPipeline pipe = load(model, dtype, offload, scheduler, rewrite)) {
            Video video = pipe.generate(request, new ProgressBar(err), cancel);
            if (ext.equals("png")) {
                video.savePng(outFile);
            } else {
                video.saveMp4(outFile);
            }
            if (video.provenance().rewrite() != null) {
                out.println("prompt (" + rewrite.mode().name().toLowerCase(Locale.ROOT) + " rewrite): "
                        + video.provenance().rewrite().rewritten());
            }
            out.printf(Locale.ROOT, "wrote %s: %d frame%s %dx%d, %d fps, seed %s, %s, %.1f s%n", outFile,
                    video.frameCount(), video.frameCount() == 1 ? "" : "s", video.height(), video.width(),
                    video.fps(), video.provenance().seed(), video.provenance().scheduler(),
                    video.provenance().total().toMillis() / 1000.0);
            return 0;
        } catch (GenerationCancelledException e) {
            err.println("cancelled: " + e.getMessage() + "; nothing written");
            return 130;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting; the hook has run
            }
        }
    }

    private static VideoPipeline load(@Nullable Path model, ComputeDtype dtype, Offload offload, String scheduler,
            RewriteOptions rewrite) {
        // offloaded weights are re-read from the mapped checkpoint, so they must be bound LAZY
        ComponentOptions options = new ComponentOptions(ai.djl.Device.cpu(), dtype,
                offload == Offload.NONE ? LoadMode.EAGER : LoadMode.LAZY);
        SchedulerConfig config = model == null ? SchedulerConfig.withShift(TinyModel.FLOW_SHIFT)
                : SchedulerConfig.fromJson(JsonConfig.read(model.resolve("scheduler/scheduler_config.json")));
        Scheduler s = scheduler.equals("heun") ? new FlowMatchHeunScheduler(config)
                : new FlowMatchEulerScheduler(config);
        VideoPipeline.Builder b = model == null ? TinyModel.builder(options) : VideoPipeline.pretrained(model, options);
        return rewrite.applyTo(b.scheduler(s).offload(offload)).build();
    }

    /** The request; tiny-model defaults are small (64x64, 9 frames, 4 steps), real-model defaults diffusers'. */
    static GenerationRequest request(Map<String, String> o, boolean tiny, boolean png) {
        GenerationRequest r = GenerationRequest.of(require(o, "prompt"));
        int defaultFrames = png ? 1 : tiny ? TinyModel.DEFAULT_FRAMES : GenerationRequest.DEFAULT_FRAMES;
        r = r.withSize(integer(o, "height", tiny ? TinyModel.DEFAULT_SIZE : GenerationRequest.DEFAULT_HEIGHT),
                integer(o, "width", tiny ? TinyModel.DEFAULT_SIZE : GenerationRequest.DEFAULT_WIDTH))
                .withFrames(integer(o, "frames", defaultFrames))
                .withSteps(integer(o, "steps", tiny ? TinyModel.DEFAULT_STEPS : GenerationRequest.DEFAULT_STEPS))
                .withGuidanceScale(number(o, "guidance", GenerationRequest.DEFAULT_GUIDANCE_SCALE))
                .withTrueCfgScale(number(o, "true-cfg", GenerationRequest.DEFAULT_TRUE_CFG_SCALE))
                .withFps(integer(o, "fps", GenerationRequest.DEFAULT_FPS));
        if (o.containsKey("negative-prompt")) {
            r = r.withNegativePrompt(o.get("negative-prompt"));
        }
        if (o.containsKey("shift")) {
            r = r.withFlowShift(number(o, "shift", 0));
        }
        if (o.containsKey("seed")) {
            try {
                r = r.withSeed(Long.parseLong(o.get("seed")));
            } catch (NumberFormatException e) {
                throw new Cli.UsageException("--seed must be an integer but is '" + o.get("seed") + "'");
            }
        }
        return r;
    }

    private static final java.util.Set<String> OPTIONS = java.util.Set.of("prompt", "negative-prompt", "model",
            "height", "width", "frames", "steps", "guidance", "true-cfg", "shift", "seed", "fps", "dtype",
            "offload", "out", "scheduler", "rewrite", "rewrite-endpoint", "rewrite-model");

    static Map<String, String> parse(String[] args) {
        Map<String, String> o = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !OPTIONS.contains(a.substring(2))) {
                throw new Cli.UsageException("unknown argument '" + a + "'; " + USAGE);
            }
            if (i + 1 >= args.length) {
                throw new Cli.UsageException(a + " needs a value; " + USAGE);
            }
            if (o.put(a.substring(2), args[++i]) != null) {
                throw new Cli.UsageException(a + " is given twice");
            }
        }
        return o;
    }

    private static String require(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new Cli.UsageException("--" + key + " is required; " + USAGE);
        }
        return v;
    }

    private static int integer(Map<String, String> o, String key, int def) {
        String v = o.get(key);
        try {
            return v == null ? def : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new Cli.UsageException("--" + key + " must be an integer but is '" + v + "'");
        }
    }

    private static float number(Map<String, String> o, String key, float def) {
        String v = o.get(key);
        try {
            return v == null ? def : Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new Cli.UsageException("--" + key + " must be a number but is '" + v + "'");
        }
    }
}
