package io.hunyuan4j.examples;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.testing.TinyModel;
import java.nio.file.Path;

/**
 * Text to video: {@code TextToVideo [MODEL_DIR]}. With a downloaded diffusers-layout HunyuanVideo folder it
 * writes {@code text_to_video.mp4} at 320x512, 61 frames; without one it runs the embedded tiny random model
 * (noise-like output) at 64x64, 9 frames.
 */
public final class TextToVideo {

    private TextToVideo() {}

    /**
     * Generates a video and writes it as MP4.
     *
     * @param args {@code [MODEL_DIR]}; without it the embedded tiny model runs
     */
    public static void main(String[] args) {
        boolean real = args.length > 0;
        GenerationRequest request = GenerationRequest.of("A cat walks on the grass, realistic").withSeed(42)
                .withSize(real ? 320 : 64, real ? 512 : 64).withFrames(real ? 61 : 9).withSteps(real ? 30 : 4);
        try (VideoPipeline pipe = open(args)) {
            Video video = pipe.generate(request);
            video.saveMp4(Path.of("text_to_video.mp4"));
            System.out.println("wrote text_to_video.mp4: " + video.provenance().describe());
        }
    }

    /** The model folder of {@code args[0]}, or the embedded tiny model. */
    static VideoPipeline open(String[] args) {
        return args.length > 0 ? VideoPipeline.fromPretrained(Path.of(args[0]))
                : TinyModel.builder(ComponentOptions.defaults()).build();
    }
}
