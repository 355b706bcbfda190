package io.hunyuan4j.examples;

import io.hunyuan4j.cogvideox.pipeline.CogVideoXMemory;
import io.hunyuan4j.core.offload.Bytes;
import io.hunyuan4j.core.offload.MemoryPlanner.MemoryPlan;
import io.hunyuan4j.core.offload.MemoryPlanner.PlanRequest;
import io.hunyuan4j.core.offload.MemoryPlanner.StageUsage;
import io.hunyuan4j.core.offload.ImageToVideoMemory;
import io.hunyuan4j.core.offload.MemoryPlanner;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.offload.WeightStorage;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.dit.pipeline.HunyuanDiTMemory;
import io.hunyuan4j.text.t5.T5Precision;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code plan-memory --manifests DIR --budget 6GiB --offload none|model|block --height H --width W --frames F
 * [--dtype bf16|fp32]}: the planned peak device memory of one generation, stage by stage.
 */
@Command(name = "plan-memory", sortOptions = false, sortSynopsis = false,
        optionListHeading = "%nOptions:%n",
        description = {"The planned peak device memory of one generation, stage by stage.",
            "Computed from the published checkpoints' manifests (docs/memory.md).",
            "The last line is 'peak=<x> GiB budget=<y> GiB fits=true|false'."})
final class PlanMemoryCommand implements Callable<Integer> {

    @Option(names = "--manifests", required = true, paramLabel = "DIR",
            description = "The checkpoint manifests, e.g. ../shared/golden/manifests.")
    private Path manifests;

    @Option(names = "--budget", required = true, paramLabel = "SIZE", converter = BytesConverter.class,
            description = "The device memory available, e.g. 6GiB, 24GB, 512MiB.")
    private long budget;

    @Option(names = "--offload", required = true, paramLabel = "none|model|block",
            description = "Where weights wait between uses.")
    private Offload offload;

    @Option(names = "--height", required = true, paramLabel = "H", description = "Pixels.")
    private int height;

    @Option(names = "--width", required = true, paramLabel = "W", description = "Pixels.")
    private int width;

    @Option(names = "--frames", required = true, paramLabel = "F", description = "Frames, 4k+1.")
    private int frames;

    @Option(names = "--dtype", paramLabel = "bf16|fp32", defaultValue = "bf16",
            description = "Compute dtype. Default: bf16.")
    private ComputeDtype dtype = ComputeDtype.BF16;

    @Option(names = "--weights-dtype", paramLabel = "compute|fp8", defaultValue = "compute",
            description = "How the DiT's block weights are stored: in the compute dtype, or FP8 (e4m3fn, one byte"
                    + " per element, widened per block while it runs). Default: compute.")
    private String weightsDtype = "compute";

    @Option(names = "--family", paramLabel = "hunyuanvideo|cogvideox|hunyuandit", defaultValue = "hunyuanvideo",
            description = "Whose manifests --manifests holds: ../shared/golden/manifests (HunyuanVideo),"
                    + " ../shared/golden-cogvideox/manifests, ../shared/golden-hunyuandit/manifests (--frames 1)."
                    + " Default: hunyuanvideo.")
    private String family = "hunyuanvideo";

    @Option(names = "--variant", paramLabel = "2b|5b", defaultValue = "5b",
            description = "CogVideoX: which transformer manifest. Default: 5b.")
    private String variant = "5b";

    @Option(names = "--image-to-video", paramLabel = "DIR",
            description = "HunyuanVideo-I2V: the image-to-video manifests (transformer.json, text_encoder.json of the"
                    + " LLaVA), e.g. hunyuan-golden/src/test/resources/manifests/HunyuanVideo-I2V; --manifests then"
                    + " gives CLIP and the VAE. Plans the I2V stages (vision tower, VAE encoder, I2V DiT).")
    private @Nullable Path imageToVideo;

    @Option(names = "--t5-dtype", paramLabel = "fp32|compute", defaultValue = "fp32",
            description = "CogVideoX and HunyuanDiT: how the T5 / mT5 encoder is held: float32 (the SDK's default"
                    + " under bf16, T5Precision.FLOAT32) or the compute dtype (the bf16 opt-in). Default: fp32.")
    private String t5Dtype = "fp32";

    private final PrintStream out;

    PlanMemoryCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        WeightStorage storage;
        try {
            storage = WeightStorage.parse(weightsDtype);
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException("--weights-dtype: " + e.getMessage());
        }
        T5Precision t5 = switch (t5Dtype.toLowerCase(Locale.ROOT)) {
            case "fp32", "float32" -> T5Precision.FLOAT32;
            case "compute" -> T5Precision.COMPUTE_DTYPE;
            default -> throw new Cli.UsageException("--t5-dtype must be fp32 or compute but is " + t5Dtype);
        };
        PlanRequest req = new PlanRequest(height, width, frames, offload, dtype, budget, storage);
        MemoryPlan plan = switch (family.toLowerCase(Locale.ROOT)) {
            case "hunyuanvideo" -> imageToVideo != null ? ImageToVideoMemory.plan(manifests, imageToVideo, req)
                    : MemoryPlanner.fromManifests(manifests).plan(req);
            case "cogvideox" -> CogVideoXMemory.plan(manifests, variant.toLowerCase(Locale.ROOT), req, t5);
            case "hunyuandit" -> HunyuanDiTMemory.plan(manifests, req, t5);
            default -> throw new Cli.UsageException("--family must be hunyuanvideo, cogvideox or hunyuandit but is "
                    + family);
        };
        out.printf(Locale.ROOT, "plan: %dx%d, %d frames, offload=%s, dtype=%s%s%n", req.width(), req.height(),
                req.frames(), req.offload(), req.dtype(), storage == WeightStorage.FP8 ? ", weights=fp8" : "");
        out.printf(Locale.ROOT, "%-40s %12s %12s %12s%n", "stage", "weights", "activations", "peak");
        for (StageUsage s : plan.stages()) {
            out.printf(Locale.ROOT, "%-40s %12s %12s %12s%n", s.stage(), Bytes.format(s.weightBytes()),
                    Bytes.format(s.activationBytes()), Bytes.format(s.peakBytes()));
        }
        out.println("largest block: " + plan.largestBlock().getKey() + " " + Bytes.format(plan.largestBlock().getValue())
                + "; peak during " + plan.peakStage());
        out.println(plan.summaryLine());
        return 0;
    }

    /** {@code --budget}: {@link Bytes#parse}. */
    static final class BytesConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String s) {
            try {
                return Bytes.parse(s);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
