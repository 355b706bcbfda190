package io.hunyuan4j.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.pipeline.ToyComponents.ToyDecoder;
import io.hunyuan4j.core.pipeline.ToyComponents.ToyDenoiser;
import io.hunyuan4j.core.pipeline.ToyComponents.ToyEncoder;
import io.hunyuan4j.core.scheduler.FlowMatchEulerScheduler;
import io.hunyuan4j.core.scheduler.FlowMatchHeunScheduler;
import io.hunyuan4j.core.scheduler.Schedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoPipelineTest {

    private static final GenerationRequest SMALL = GenerationRequest.of("a red fox").withSize(32, 48).withFrames(9)
            .withSteps(4).withSeed(7);

    private final ToyDenoiser dit = new ToyDenoiser(1f);
    private final ToyEncoder text = new ToyEncoder();
    private final ToyDecoder vae = new ToyDecoder();

    private VideoPipeline pipeline(ToyDenoiser d) {
        return VideoPipeline.builder(d, text, vae).build();
    }

    @Test
    void eulerLandsOnTheTargetWithExactVelocity() {
        try (VideoPipeline pipe = pipeline(dit)) {
            Video v = pipe.generate(SMALL);
            assertEquals(9, v.frameCount());
            assertEquals(32, v.height());
            assertEquals(48, v.width());
            float expected = ToyComponents.target("a red fox") / 2 + 0.5f;
            for (int f = 0; f < v.frameCount(); f++) {
                for (float x : v.frame(f)) {
                    assertEquals(expected, x, 1e-5f);
                }
            }
            assertEquals(4, dit.forwards.get());
            assertEquals(1, vae.decodes.get());
            // guidance = 6.0 * 1000 on every forward; timesteps = the schedule's
            assertTrue(dit.guidances.stream().allMatch(g -> g == 6000f), dit.guidances.toString());
            Schedule s = FlowMatchEulerScheduler.withShift(VideoPipeline.DEFAULT_FLOW_SHIFT).schedule(4);
            for (int i = 0; i < 4; i++) {
                assertEquals(s.timestep(i), dit.timesteps.get(i));
            }
            assertEquals(Long.valueOf(7), v.provenance().seed());
            assertEquals("flow-match-euler", v.provenance().scheduler());
            assertTrue(v.provenance().timings().keySet().containsAll(
                    List.of("encodePrompt", "prepareLatents", "denoise", "decode", "postprocess")));
        }
    }

    /** A request whose latents cannot exist is refused by name before any model work, not by an allocation. */
    @Test
    void latentsTooLargeForOneArrayAreRefusedBeforeAnyWork() {
        try (VideoPipeline pipe = pipeline(dit)) {
            GenerationRequest huge = SMALL.withSize(8192, 8192).withFrames(1025).withVideosPerPrompt(8);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pipe.generateBatch(huge));
            assertTrue(e.getMessage().contains("more than one array can"), e.getMessage());
            assertEquals(0, dit.forwards.get());
            assertEquals(0, text.encodes.get());
        }
    }

    @Test
    void oneFrameIsAnImage() {
        try (VideoPipeline pipe = pipeline(dit)) {
            Video v = pipe.generate(SMALL.withFrames(1));
            assertEquals(1, v.frameCount());
        }
    }

    @Test
    void sameSeedIsBitIdenticalAndAnotherSeedDiffers() {
        try (VideoPipeline pipe = pipeline(new ToyDenoiser(0.5f))) {
            Video a = pipe.generate(SMALL);
            Video b = pipe.generate(SMALL);
            Video c = pipe.generate(SMALL.withSeed(8));
            for (int f = 0; f < a.frameCount(); f++) {
                assertArrayEquals(a.frame(f), b.frame(f), "frame " + f);
            }
            assertFalse(Arrays.equals(a.frame(0), c.frame(0)));
        }
    }

    @Test
    void initialLatentsReplaceTheSeed() {
        try (VideoPipeline pipe = pipeline(new ToyDenoiser(0.5f))) {
            Latents noise = GaussianNoise.sample(7, new long[] {1, 4, 3, 4, 6});
            Video a = pipe.generate(SMALL);
            Video b = pipe.generate(SMALL.withInitialLatents(noise));
            assertArrayEquals(a.frame(4), b.frame(4));
            assertNull(b.provenance().seed());
            var e = assertThrows(IllegalArgumentException.class,
                    () -> pipe.generate(SMALL.withSize(64, 48).withInitialLatents(noise)));
            assertTrue(e.getMessage().contains("initialLatents shape must be [1, 4, 3, 8, 6]"), e.getMessage());
        }
    }

    @Test
    void trueCfgRunsTwoForwardsPerStepAndExtrapolates() {
        try (VideoPipeline pipe = pipeline(dit)) {
            Video v = pipe.generate(SMALL.withNegativePrompt("blurry").withTrueCfgScale(3f));
            assertEquals(8, dit.forwards.get());
            assertTrue(v.provenance().trueCfgApplied());
            assertEquals(8, v.provenance().modelEvaluations());
            float pos = ToyComponents.target("a red fox");
            float neg = ToyComponents.target("blurry");
            float raw = neg + 3f * (pos - neg);
            assertEquals(Math.max(0, Math.min(1, raw / 2 + 0.5f)), v.frame(0)[0], 1e-5f);
        }
    }

    @Test
    void trueCfgWithoutNegativePromptRunsWithoutIt() {
        try (VideoPipeline pipe = pipeline(dit)) {
            Video v = pipe.generate(SMALL.withTrueCfgScale(3f));
            assertEquals(4, dit.forwards.get());
            assertFalse(v.provenance().trueCfgApplied());
            assertEquals(ToyComponents.target("a red fox") / 2 + 0.5f, v.frame(0)[0], 1e-5f);
        }
    }

    @Test
    void heunIsExactOnTheStraightPathToo() {
        try (VideoPipeline pipe = VideoPipeline.builder(dit, text, vae)
                .scheduler(FlowMatchHeunScheduler.withShift(7f, 1000)).build()) {
            Video v = pipe.generate(SMALL);
            assertEquals(2 * 4 - 1, dit.forwards.get()); // last step into sigma 0 is Euler
            assertEquals(ToyComponents.target("a red fox") / 2 + 0.5f, v.frame(3)[5], 1e-5f);
        }
    }

    @Test
    void flowShiftOverrideIsUsedAndRecorded() {
        try (VideoPipeline pipe = pipeline(dit)) {
            Video v = pipe.generate(SMALL.withFlowShift(3f));
            assertEquals("3.0", v.provenance().schedulerParameters().get("shift"));
            assertEquals(FlowMatchEulerScheduler.withShift(3f).schedule(4).timestep(1), dit.timesteps.get(1));
        }
    }

    @Test
    void listenerSeesEveryStepInOrder() {
        List<StepEvent> events = new ArrayList<>();
        try (VideoPipeline pipe = pipeline(dit)) {
            pipe.generate(SMALL, events::add, CancellationToken.none());
        }
        assertEquals(4, events.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(i, events.get(i).index());
            assertEquals(4, events.get(i).total());
            assertEquals(dit.timesteps.get(i), events.get(i).timestep());
        }
        assertEquals(1.0, events.get(3).fraction());
        assertTrue(events.get(3).estimatedRemaining().isZero());
    }

    @Test
    void previousLatentsAreFreedEveryStep() {
        try (VideoPipeline pipe = pipeline(dit)) {
            pipe.generate(SMALL);
        }
        // every sample the DiT saw lived in a closed step or call scope
        assertTrue(dit.samples.stream().allMatch(a -> a.isReleased()));
    }

    @Test
    void cancellationStopsBetweenStepsAndDecodesNothing(@TempDir Path dir) {
        CancellationToken token = new CancellationToken();
        Path out = dir.resolve("never.mp4");
        try (VideoPipeline pipe = pipeline(dit)) {
            StepListener cancelAfterTwo = e -> {
                if (e.completed() == 2) {
                    token.cancel();
                }
            };
            var ex = assertThrows(GenerationCancelledException.class, () -> pipe.generate(SMALL, cancelAfterTwo,
                    token).saveMp4(out));
            assertEquals(2, ex.completedSteps());
            assertEquals(2, dit.forwards.get());
            assertEquals(0, vae.decodes.get());
            assertFalse(Files.exists(out));
            assertTrue(dit.samples.stream().allMatch(a -> a.isReleased()), "native memory of the call released");
            // the pipeline stays usable
            assertEquals(9, pipe.generate(SMALL).frameCount());
        }
    }

    @Test
    void threadInterruptCancels() throws Exception {
        try (VideoPipeline pipe = pipeline(dit)) {
            StepListener interrupt = e -> Thread.currentThread().interrupt();
            var ex = assertThrows(GenerationCancelledException.class,
                    () -> pipe.generate(SMALL, interrupt, CancellationToken.none()));
            assertEquals(1, ex.completedSteps());
            assertTrue(Thread.interrupted(), "interrupt flag is kept for the caller");
        }
    }

    @Test
    void concurrentCallsAreSerialised() throws Exception {
        ToyDenoiser slow = new ToyDenoiser(1f);
        slow.sleepMillis = 20;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (VideoPipeline pipe = pipeline(slow)) {
            List<Future<Video>> futures = new ArrayList<>();
            for (String p : List.of("a red fox", "a blue whale", "a green frog")) {
                futures.add(pool.submit(() -> pipe.generate(SMALL.withPrompt(p))));
            }
            List<String> prompts = List.of("a red fox", "a blue whale", "a green frog");
            for (int i = 0; i < 3; i++) {
                Video v = futures.get(i).get();
                assertEquals(ToyComponents.target(prompts.get(i)) / 2 + 0.5f, v.frame(0)[0], 1e-5f);
            }
            assertEquals(1, slow.maxActive.get(), "one generation at a time");
            assertEquals(12, slow.forwards.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closedPipelineRejectsCallsAndClosesComponents() {
        VideoPipeline pipe = pipeline(dit);
        pipe.close();
        assertTrue(dit.closed && text.closed && vae.closed);
        var e = assertThrows(IllegalStateException.class, () -> pipe.generate(SMALL));
        assertTrue(e.getMessage().contains("closed"));
        pipe.close(); // idempotent
    }

    @Test
    void modelOffloadReleasesTheEncoderAndReloadsIt() {
        AtomicInteger loads = new AtomicInteger();
        List<ToyEncoder> loaded = new ArrayList<>();
        try (VideoPipeline pipe = VideoPipeline.builder(dit, text, vae).offload(Offload.MODEL)
                .textEncoderLoader(() -> {
                    loads.incrementAndGet();
                    ToyEncoder t = new ToyEncoder();
                    loaded.add(t);
                    return t;
                }).build()) {
            pipe.generate(SMALL);
            assertTrue(text.closed, "released right after encoding");
            Video v = pipe.generate(SMALL.withPrompt("a blue whale"));
            assertEquals(1, loads.get());
            assertTrue(loaded.get(0).closed);
            assertEquals(ToyComponents.target("a blue whale") / 2 + 0.5f, v.frame(0)[0], 1e-5f);
            assertEquals(Offload.MODEL, v.provenance().offload());
        }
    }

    @Test
    void modelOffloadWithoutLoaderFailsClearlyOnTheSecondPrompt() {
        try (VideoPipeline pipe = VideoPipeline.builder(dit, text, vae).offload(Offload.MODEL).build()) {
            pipe.generate(SMALL);
            var e = assertThrows(IllegalStateException.class, () -> pipe.generate(SMALL));
            assertTrue(e.getMessage().contains("released"), e.getMessage());
        }
    }

    @Test
    void precomputedEmbedsSkipTheEncoder() {
        try (VideoPipeline pipe = pipeline(dit); var m = ai.djl.ndarray.NDManager.newBaseManager()) {
            PromptEmbeds e = text.encode(List.of("a red fox"), m);
            text.encodes.set(0);
            Video v = pipe.generate(GenerationRequest.ofEmbeds(e).withSize(32, 48).withFrames(5).withSteps(2)
                    .withSeed(1));
            assertEquals(0, text.encodes.get());
            assertEquals(ToyComponents.target("a red fox") / 2 + 0.5f, v.frame(0)[0], 1e-5f);
            assertFalse(e.pooled().isReleased(), "caller's arrays are left alone");
        }
    }

    @Test
    void mismatchedComponentsAreRejectedAtBuild() {
        ToyDecoder wide = new ToyDecoder() {
            @Override
            public int latentChannels() {
                return 16;
            }
        };
        var e = assertThrows(IllegalArgumentException.class, () -> VideoPipeline.builder(dit, text, wide).build());
        assertTrue(e.getMessage().contains("in_channels 4 must equal vae latent_channels 16"), e.getMessage());
    }

    @Test
    void componentDtypeMustBeThePipelines() {
        ToyDecoder bf16 = new ToyDecoder() {
            @Override
            public ComputeDtype computeDtype() {
                return ComputeDtype.BF16;
            }
        };
        var e = assertThrows(IllegalArgumentException.class, () -> VideoPipeline.builder(dit, text, bf16).build());
        assertTrue(e.getMessage().contains("vae computeDtype BF16 differs from the pipeline's computeDtype FLOAT32"),
                e.getMessage());
        try (VideoPipeline pipe = VideoPipeline.builder(dit, text, bf16).computeDtype(ComputeDtype.BF16).build()) {
            assertEquals(ComputeDtype.BF16, pipe.computeDtype());
        }
    }

    @Test
    void componentDeviceMustBeThePipelines() {
        ToyDecoder gpu = new ToyDecoder() {
            @Override
            public Device device() {
                return Device.gpu();
            }
        };
        var e = assertThrows(IllegalArgumentException.class, () -> VideoPipeline.builder(dit, text, gpu).build());
        assertTrue(e.getMessage().contains("vae device " + Device.gpu() + " differs from the pipeline's device "
                + Device.cpu()), e.getMessage());
    }

    @Test
    void fromPretrainedNamesTheMissingComponent(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model_index.json"), "{\"_class_name\": \"HunyuanVideoPipeline\"}");
        for (String c : List.of("scheduler", "text_encoder", "tokenizer", "text_encoder_2", "tokenizer_2",
                "transformer")) {
            Files.createDirectory(dir.resolve(c));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> VideoPipeline.fromPretrained(dir));
        assertTrue(e.getMessage().contains("missing component vae/"), e.getMessage());
        Path missing = dir.resolve("nope");
        var e2 = assertThrows(IllegalArgumentException.class, () -> VideoPipeline.fromPretrained(missing));
        assertTrue(e2.getMessage().contains("model folder " + missing + " does not exist"), e2.getMessage());
    }
}
