package io.hunyuan4j.examples;

import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import java.nio.file.Path;

/**
 * Text to image: a one-frame generation ({@code frames = 1}) saved as PNG. {@code TextToImage [MODEL_DIR]}.
 */
public final class TextToImage {

    private TextToImage() {}

    /**
     * Generates one frame and writes it as PNG.
     *
     * @param args {@code [MODEL_DIR]}; without it the embedded tiny model runs
     */
    public static void main(String[] args) {
        boolean real = args.length > 0;
        GenerationRequest request = GenerationRequest.of("A lighthouse on a cliff at sunset, oil painting")
                .withFrames(1).withSize(real ? 512 : 64, real ? 512 : 64).withSteps(real ? 30 : 4).withSeed(7);
        try (VideoPipeline pipe = TextToVideo.open(args)) {
            Video image = pipe.generate(request);
            image.savePng(Path.of("text_to_image.png"));
            System.out.println("wrote text_to_image.png: " + image.provenance().describe());
        }
    }
}
