package io.hunyuan4j.cogvideox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.cogvideox.pipeline.CogVideoXCall;
import io.hunyuan4j.cogvideox.pipeline.CogVideoXPipeline;
import io.hunyuan4j.cogvideox.pipeline.CogVideoXTrace;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformer3DModel;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformerConfig;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.pipeline.CancellationToken;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.StepListener;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.scheduler.CogVideoXDDIMScheduler;
import io.hunyuan4j.core.scheduler.CogVideoXDPMScheduler;
import io.hunyuan4j.core.scheduler.CogVideoXSchedulerConfig;
import io.hunyuan4j.core.scheduler.SchedulerNoise;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.RemappedTensors;
import io.hunyuan4j.core.weights.TensorSource;
import io.hunyuan4j.golden.GoldenFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link CogVideoXPipeline} wiring: {@code generate(GenerationRequest)} end to end with seeded host-side noise and
 * a stand-in decoder (the CogVideoX VAE is a separate component), reproducibility by seed, the decode scaling and
 * post-processing, and input validation before any model work.
 */
class CogVideoXPipelineTest {

    /** A weightless decoder: nearest upsampling of the first 3 channels, recording what it was given. */
    private static final class UpsamplingDecoder implements LatentDecoder {
        final List<float[]> seen = new ArrayList<>();

        @Override
        public NDArray decode(NDArray latents) {
            seen.add(latents.toFloatArray());
            Shape s = latents.getShape();
            long frames = (s.get(2) - 1) * 4 + 1;
            NDArray rgb = latents.get(":, :3");
            // [B, 3, F, h, w] -> [B, 3, 4(F-1)+1, 8h, 8w]
            NDArray t = rgb.repeat(2, 4).get(":, :, 3:");
            assertEquals(frames, t.getShape().get(2));
            return t.repeat(3, 8).repeat(4, 8);
        }

        @Override
        public float scalingFactor() {
            return 0.7f;
        }

        @Override
        public int latentChannels() {
            return 4;
        }

        @Override
        public int temporalCompression() {
            return 4;
        }

        @Override
        public int spatialCompression() {
            return 8;
        }

        @Override
        public void close() {
        }
    }

    private static GoldenFixture fixture() {
        return GoldenFixture.open(CogVideoXGoldenPaths.root().resolve("cogvideox_pipeline").resolve("t2v_5b_dpm"));
    }

    private static CogVideoXTransformer3DModel transformer(GoldenFixture fx) {
        return transformer(fx, LoadMode.EAGER);
    }

    private static CogVideoXTransformer3DModel transformer(GoldenFixture fx, LoadMode mode) {
        Map<String, RemappedTensors.Derived> mapping = new java.util.LinkedHashMap<>();
        for (String n : fx.weights().names()) {
            if (n.startsWith("transformer.")) {
                mapping.put(n.substring("transformer.".length()), RemappedTensors.Derived.whole(n));
            }
        }
        TensorSource prefixed = RemappedTensors.of(fx.weights(), mapping);
        return CogVideoXTransformer3DModel.fromWeights(
                CogVideoXTransformerConfig.fromJson(fx.config().object("transformer")), prefixed,
                new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, mode), "t2v_5b_dpm");
    }

    private static GenerationRequest request(GoldenFixture fx, NDManager m, long seed) {
        NDArray embeds = fx.input("prompt_embeds", m);
        NDArray neg = fx.input("negative_prompt_embeds", m);
        NDArray none = m.zeros(new Shape(1, 1));
        return GenerationRequest.ofEmbeds(new PromptEmbeds(embeds, none, none, List.of(0)))
                .withNegativePromptEmbeds(new PromptEmbeds(neg, none, none, List.of(0)))
                .withSize(32, 16).withFrames(17).withSteps(3).withGuidanceScale(6f).withSeed(seed);
    }

    @Test
    void generateRunsEndToEndAndIsReproducibleBySeed() {
        try (GoldenFixture fx = fixture(); NDManager m = NDManager.newBaseManager();
                CogVideoXTransformer3DModel dit = transformer(fx)) {
            UpsamplingDecoder vae = new UpsamplingDecoder();
            CogVideoXPipeline pipe = CogVideoXPipeline.builder(dit,
                    new CogVideoXDPMScheduler(CogVideoXSchedulerConfig.cogVideoX(1.0)), vae).useDynamicCfg(true)
                    .model("golden t2v_5b_dpm").build();
            List<Video> a = pipe.generateBatch(request(fx, m, 5), StepListener.NONE, CancellationToken.none());
            List<Video> b = pipe.generateBatch(request(fx, m, 5), StepListener.NONE, CancellationToken.none());
            List<Video> c = pipe.generateBatch(request(fx, m, 6), StepListener.NONE, CancellationToken.none());
            assertEquals(1, a.size());
            Video v = a.get(0);
            assertEquals(17, v.frameCount());
            assertEquals(32, v.height());
            assertEquals(16, v.width());
            assertEquals(5L, v.provenance().seed());
            assertEquals("cogvideox-dpm", v.provenance().scheduler());
            assertEquals(3, v.provenance().modelEvaluations()); // one batched [uncond ; cond] call per step
            assertArrayEquals(v.frame(16), b.get(0).frame(16), "same seed, same video");
            assertFalse(java.util.Arrays.equals(v.frame(16), c.get(0).frame(16)), "another seed, another video");
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int f = 0; f < v.frameCount(); f++) {
                for (float x : v.frame(f)) {
                    min = Math.min(min, x);
                    max = Math.max(max, x);
                }
            }
            assertTrue(min >= 0f && max <= 1f && max > min, "clamped to [0, 1]: " + min + ".." + max);
        }
    }

    /** latents x float32(1 / scaling_factor) go to the VAE, then clamp(x / 2 + 0.5) in [B, F, 3, H, W]. */
    @Test
    void decodeScalesByTheRoundedReciprocalAndPostprocesses() {
        try (GoldenFixture fx = fixture(); NDManager m = NDManager.newBaseManager();
                CogVideoXTransformer3DModel dit = transformer(fx)) {
            UpsamplingDecoder vae = new UpsamplingDecoder();
            CogVideoXPipeline pipe = CogVideoXPipeline.builder(dit,
                    new CogVideoXDDIMScheduler(CogVideoXSchedulerConfig.cogVideoX(1.0)), vae).build();
            var out = pipe.call(new CogVideoXCall(fx.input("prompt_embeds", m), fx.input("negative_prompt_embeds", m),
                    fx.input("latents", m), null, 32, 16, 17, 2, 6.0, false, SchedulerNoise.none(), true), m,
                    CogVideoXTrace.NONE);
            float[] latents = out.latents().transpose(0, 2, 1, 3, 4).toFloatArray();
            float[] given = vae.seen.get(0);
            float inv = (float) (1 / (double) 0.7f);
            for (int i = 0; i < given.length; i++) {
                assertEquals(latents[i] * inv, given[i], 0f);
            }
            NDArray video = out.video();
            assertEquals(new Shape(1, 17, 3, 32, 16), video.getShape());
            float first = Math.min(1f, Math.max(0f, given[0] / 2 + 0.5f));
            assertEquals(first, video.getFloat(0, 0, 0, 0, 0), 1e-7f);
        }
    }

    /** MODEL and BLOCK offload give the same latents as resident weights, and place what the mode says. */
    @Test
    void offloadModesGiveIdenticalLatents() {
        try (GoldenFixture fx = fixture(); NDManager m = NDManager.newBaseManager()) {
            float[][] got = new float[3][];
            Offload[] modes = {Offload.NONE, Offload.MODEL, Offload.BLOCK};
            for (int i = 0; i < modes.length; i++) {
                try (CogVideoXTransformer3DModel dit = transformer(fx, LoadMode.LAZY)) {
                    CogVideoXPipeline pipe = CogVideoXPipeline.builder(dit,
                            new CogVideoXDDIMScheduler(CogVideoXSchedulerConfig.cogVideoX(1.0)),
                            new UpsamplingDecoder()).offload(modes[i]).build();
                    var out = pipe.call(new CogVideoXCall(fx.input("prompt_embeds", m),
                            fx.input("negative_prompt_embeds", m), fx.input("latents", m), null, 32, 16, 17, 2, 6.0,
                            true, SchedulerNoise.none(), false), m, CogVideoXTrace.NONE);
                    got[i] = out.latents().toFloatArray();
                    long all = dit.allParameters().stream().mapToLong(p -> p.shape().size() * 4).sum();
                    long peak = out.devicePeakBytes().getOrDefault("transformer", 0L);
                    if (modes[i] == Offload.BLOCK) {
                        assertTrue(peak > 0 && peak < all, "one block at a time: " + out.devicePeakBytes());
                    } else if (modes[i] == Offload.MODEL) {
                        assertEquals(all, peak, "the whole transformer for its stage");
                    }
                    Offload mode = modes[i];
                    assertTrue(dit.allParameters().stream().noneMatch(p -> mode != Offload.NONE && p.isLoaded()),
                            "offloaded after the call: " + mode);
                }
            }
            assertArrayEquals(got[0], got[1], "MODEL");
            assertArrayEquals(got[0], got[2], "BLOCK");
        }
    }

    @Test
    void badCallsFailBeforeAnyModelWork() {
        try (GoldenFixture fx = fixture(); NDManager m = NDManager.newBaseManager();
                CogVideoXTransformer3DModel dit = transformer(fx)) {
            CogVideoXPipeline pipe = CogVideoXPipeline.builder(dit,
                    new CogVideoXDDIMScheduler(CogVideoXSchedulerConfig.cogVideoX(1.0)), new UpsamplingDecoder())
                    .build();
            NDArray e = fx.input("prompt_embeds", m);
            var noNegative = new CogVideoXCall(e, null, null, null, 32, 16, 17, 2, 6.0, false, SchedulerNoise.seeded(1),
                    false);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> pipe.call(noNegative, m,
                    CogVideoXTrace.NONE)).getMessage().contains("negative_prompt_embeds"));
            var badSize = new CogVideoXCall(e, e, null, null, 24, 16, 17, 2, 6.0, false, SchedulerNoise.seeded(1),
                    false);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> pipe.call(badSize, m,
                    CogVideoXTrace.NONE)).getMessage().contains("multiples of 16"));
            var badFrames = new CogVideoXCall(e, e, null, null, 32, 16, 16, 2, 6.0, false, SchedulerNoise.seeded(1),
                    false);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> pipe.call(badFrames, m,
                    CogVideoXTrace.NONE)).getMessage().contains("4k + 1"));
            var image = new CogVideoXCall(e, e, null, m.zeros(new Shape(1, 3, 32, 16)), 32, 16, 17, 2, 6.0, false,
                    SchedulerNoise.seeded(1), false);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> pipe.call(image, m,
                    CogVideoXTrace.NONE)).getMessage().contains("image encoder"));
        }
    }

    /** The recorded dynamic-CFG scales of the public fixtures, from the integer timestep in float64. */
    @Test
    void dynamicGuidanceScaleMatchesPythonFloat64() {
        // values printed by CPython 3.11 (glibc pow / cos)
        assertEquals(4.755880591967707, CogVideoXPipeline.dynamicGuidanceScale(6.0, 4, 999), 0.0);
        assertEquals(1.0102866299659499, CogVideoXPipeline.dynamicGuidanceScale(6.0, 4, 249), 0.0);
        assertEquals(1.0, CogVideoXPipeline.dynamicGuidanceScale(6.0, 4, 4), 0.0);
        assertEquals(1.0, CogVideoXPipeline.dynamicGuidanceScale(6.0, 50, 49), 0.0);
    }
}
