package io.hunyuan4j.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.core.scheduler.FlowMatchEulerScheduler;
import io.hunyuan4j.core.scheduler.Schedule;
import io.hunyuan4j.core.scheduler.Scheduler;
import io.hunyuan4j.core.scheduler.Velocity;
import io.hunyuan4j.testing.TinyModel;
import java.nio.file.Path;
import java.util.Map;

/**
 * A user-written sampler plugged into the pipeline: the explicit midpoint method (second order, two model
 * calls per step) on HunyuanVideo's schedule. {@code CustomScheduler [MODEL_DIR]}.
 */
public final class CustomScheduler {

    private CustomScheduler() {}

    /** Midpoint: {@code x + dt * v(x + dt/2 * v(x, sigma), sigma + dt/2)}. Stateless, like every scheduler. */
    record Midpoint(FlowMatchEulerScheduler base) implements Scheduler {
        @Override
        public Schedule schedule(int steps) {
            return base.schedule(steps);
        }

        @Override
        public NDArray step(Schedule s, int i, Velocity model, NDArray sample) {
            float sigma = s.sigma(i);
            float dt = s.sigma(i + 1) - sigma;
            NDArray x = sample.toType(DataType.FLOAT32, false);
            NDArray half = x.add(model.at(x, s.timestep(i)).mul(dt / 2));
            float tMid = (sigma + dt / 2) * base.config().numTrainTimesteps();
            return x.add(model.at(half, tMid).mul(dt));
        }

        @Override
        public int evaluationsPerStep() {
            return 2;
        }

        @Override
        public String name() {
            return "midpoint";
        }

        @Override
        public Map<String, String> parameters() {
            return base.parameters();
        }
    }

    /**
     * Generates with the midpoint sampler.
     *
     * @param args {@code [MODEL_DIR]}; without it the embedded tiny model runs
     */
    public static void main(String[] args) {
        boolean real = args.length > 0;
        VideoPipeline.Builder builder = real ? VideoPipeline.pretrained(Path.of(args[0]), ComponentOptions.defaults())
                : TinyModel.builder(ComponentOptions.defaults());
        Scheduler midpoint = new Midpoint(FlowMatchEulerScheduler.withShift(VideoPipeline.DEFAULT_FLOW_SHIFT));
        try (VideoPipeline pipe = builder.scheduler(midpoint).build()) {
            Video video = pipe.generate(GenerationRequest.of("A paper boat on a river").withSeed(3)
                    .withSize(real ? 320 : 64, real ? 512 : 64).withFrames(real ? 61 : 9).withSteps(real ? 15 : 3));
            video.saveMp4(Path.of("custom_scheduler.mp4"));
            System.out.println("wrote custom_scheduler.mp4: " + video.provenance().describe());
        }
    }
}
