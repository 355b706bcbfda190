package io.hunyuan4j.examples;

import ai.djl.Device;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.pipeline.CancellationToken;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.testing.TinyModel;
import java.nio.file.Path;

/**
 * Low-memory generation: weights streamed lazily from the mapped checkpoints, the 8B text encoder released as
 * soon as the prompt is encoded ({@link Offload#MODEL}), a small size, and progress on stderr.
 * {@code LowMemoryTextToVideo [MODEL_DIR]}.
 */
public final class LowMemoryTextToVideo {

    private LowMemoryTextToVideo() {}

    /**
     * Generates with lazy weights and model offload.
     *
     * @param args {@code [MODEL_DIR]}; without it the embedded tiny model runs
     */
    public static void main(String[] args) {
        ComponentOptions lazy = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.LAZY);
        VideoPipeline.Builder builder = args.length > 0 ? VideoPipeline.pretrained(Path.of(args[0]), lazy)
                : TinyModel.builder(ComponentOptions.defaults());
        GenerationRequest request = GenerationRequest.of("Waves rolling onto a beach, aerial view")
                .withSize(args.length > 0 ? 256 : 64, args.length > 0 ? 256 : 64)
                .withFrames(args.length > 0 ? 33 : 9).withSteps(args.length > 0 ? 20 : 4).withSeed(1);
        try (VideoPipeline pipe = builder.offload(Offload.MODEL).build()) {
            Video video = pipe.generate(request, e -> System.err.printf("step %d/%d, ~%d s left%n", e.completed(),
                    e.total(), e.estimatedRemaining().toSeconds()), CancellationToken.none());
            video.saveMp4(Path.of("low_memory.mp4"));
            System.out.println("wrote low_memory.mp4: " + video.provenance().describe());
        }
    }
}
