package io.hunyuan4j.it;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.testing.TinyModel;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * What an application does, in a fresh JVM: generate a short video with the tiny model and write it. Prints the
 * SLF4J logger factory in use and the frame count on stdout.
 */
public final class GenerateTinyVideo {

    private GenerateTinyVideo() {}

    /**
     * Generates and writes the video.
     *
     * @param args the MP4 file to write
     */
    public static void main(String[] args) {
        Path out = Path.of(args[0]);
        try (VideoPipeline pipe = TinyModel.builder(ComponentOptions.defaults()).build()) {
            Video video = pipe.generate(GenerationRequest.of("a cat walks on the grass").withSize(64, 64)
                    .withFrames(5).withSteps(2).withSeed(1));
            video.saveMp4(out);
            System.out.println("logger factory: " + LoggerFactory.getILoggerFactory().getClass().getName());
            System.out.println("frames: " + video.frameCount());
        }
    }
}
