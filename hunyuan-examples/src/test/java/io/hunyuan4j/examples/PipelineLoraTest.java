package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.lora.LoraAdapters;
import io.hunyuan4j.core.lora.LoraException;
import io.hunyuan4j.core.lora.LoraWeight;
import io.hunyuan4j.core.lora.UnmatchedKeys;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.InMemoryTensors;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import io.hunyuan4j.testing.TinyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * LoRA and the DiT override at the pipeline level, on the embedded tiny model: adapters switched on a loaded
 * pipeline give the frames of a pipeline built fresh with them, removing them gives the base frames, provenance
 * records them; a single-file DiT replaces the folder's.
 */
class PipelineLoraTest {

    private static final GenerationRequest REQUEST = GenerationRequest.of("a red fox in the snow")
            .withSize(16, 32).withFrames(1).withSteps(2).withSeed(11);

    /** Random rank-2 factors for every linear layer of the tiny DiT, PEFT names, {@code alpha} tensors. */
    static Path writeLora(Path file, long seed, float alpha) {
        Map<String, Shape> linears = LoraAdapters.linearShapes(
                HunyuanVideoTransformer3D.expectedShapes(TinyModel.transformerConfig()));
        Random r = new Random(seed);
        SafetensorsWriter w = new SafetensorsWriter();
        linears.forEach((module, s) -> {
            float[] a = new float[(int) (2 * s.get(1))];
            float[] b = new float[(int) (s.get(0) * 2)];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextGaussian() * 0.3f;
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) r.nextGaussian() * 0.3f;
            }
            w.add("transformer." + module + ".lora_A.weight", a, DType.F32, 2, s.get(1));
            w.add("transformer." + module + ".lora_B.weight", b, DType.F32, s.get(0), 2);
            w.add("transformer." + module + ".alpha", new float[] {alpha}, DType.F32);
        });
        return w.write(file);
    }

    private static float[][] frames(Video v) {
        float[][] f = new float[v.frameCount()][];
        for (int i = 0; i < f.length; i++) {
            f[i] = v.frame(i);
        }
        return f;
    }

    private static float[][] fresh(LoraAdapters.Mode mode, Offload offload, Path file, float weight) {
        VideoPipeline.Builder b = TinyModel.builder(ComponentOptions.defaults()).loraMode(mode).offload(offload);
        if (file != null) {
            b.lora(file, weight);
        }
        try (VideoPipeline pipe = b.build()) {
            return frames(pipe.generate(REQUEST));
        }
    }

    private static double relErr(float[][] got, float[][] want) {
        double num = 0;
        double den = 0;
        for (int f = 0; f < want.length; f++) {
            for (int i = 0; i < want[f].length; i++) {
                num = Math.max(num, Math.abs(got[f][i] - want[f][i]));
                den = Math.max(den, Math.abs(want[f][i]));
            }
        }
        return num / den;
    }

    /**
     * LOW_RANK switching changes no weight, so frames are bit-identical to a fresh pipeline's; FUSED adds and
     * subtracts deltas in place on resident float32 weights, so they agree to rounding; under BLOCK offload both
     * re-read the weights per block and merge again.
     */
    @ParameterizedTest
    @EnumSource(LoraAdapters.Mode.class)
    void switchingAdaptersOnALoadedPipelineGivesTheFramesOfAFreshOne(LoraAdapters.Mode mode, @TempDir Path dir) {
        Path style = writeLora(dir.resolve("style.safetensors"), 1, 2f);
        Path motion = writeLora(dir.resolve("motion.safetensors"), 2, 4f);
        double tol = mode == LoraAdapters.Mode.LOW_RANK ? 0 : 1e-5;
        float[][] base = fresh(mode, Offload.NONE, null, 0);
        float[][] styleOnly = fresh(mode, Offload.NONE, style, 0.8f);
        float[][] motionOnly = fresh(mode, Offload.NONE, motion, 0.5f);
        assertTrue(relErr(styleOnly, base) > 1e-2, "the adapter changes the frames: " + relErr(styleOnly, base));
        assertTrue(relErr(motionOnly, styleOnly) > 1e-2, "another adapter, other frames");
        try (VideoPipeline pipe = TinyModel.builder(ComponentOptions.defaults()).loraMode(mode)
                .lora(style, 0.8f).lora(motion, 1.0f).build()) {
            assertEquals(List.of(new LoraWeight("style", style, 0.8f), new LoraWeight("motion", motion, 1.0f)),
                    pipe.loras());
            Video both = pipe.generate(REQUEST);
            assertEquals(pipe.loras(), both.provenance().loras());
            assertTrue(both.provenance().describe().contains("loras=[style:0.8"), both.provenance().describe());
            assertTrue(relErr(frames(both), styleOnly) > 1e-2, "two adapters are not one");

            pipe.setAdapters(Map.of("motion", 0.5f));
            Video m = pipe.generate(REQUEST);
            assertEquals(List.of(new LoraWeight("motion", motion, 0.5f)), m.provenance().loras());
            assertTrue(relErr(frames(m), motionOnly) <= tol, mode + " switched to motion: " + relErr(frames(m),
                    motionOnly));

            pipe.setAdapters(Map.of("style", 0.8f));
            assertTrue(relErr(frames(pipe.generate(REQUEST)), styleOnly) <= tol, mode + " switched back to style");

            pipe.removeLora("style");
            assertEquals(Map.of("motion", motion), pipe.loadedLoras());
            Video removed = pipe.generate(REQUEST);
            assertTrue(removed.provenance().loras().isEmpty());
            assertTrue(relErr(frames(removed), base) <= tol, mode + " removed: the base frames again");
            assertThrows(IllegalArgumentException.class, () -> pipe.setAdapters(Map.of("style", 1f)));
        }
        // under BLOCK offload adapters apply as each block is onloaded
        try (VideoPipeline pipe = TinyModel.builder(ComponentOptions.defaults()).loraMode(mode).offload(Offload.BLOCK)
                .build()) {
            assertTrue(pipe.loras().isEmpty());
            String name = pipe.loadLora(style);
            assertEquals("style", name);
            assertEquals("style-2", pipe.loadLora(style), "a second load of the same file gets its own name");
            pipe.setAdapters(Map.of(name, 0.8f));
            assertTrue(relErr(frames(pipe.generate(REQUEST)), styleOnly) <= 1e-5, mode + " BLOCK offload");
            pipe.setAdapters(Map.of());
            assertTrue(relErr(frames(pipe.generate(REQUEST)), base) <= 1e-5, mode + " BLOCK offload, disabled");
        }
    }

    @Test
    void aBadAdapterFailsTheBuildAndLeavesTheBaseWeights(@TempDir Path dir) {
        Path other = new SafetensorsWriter()
                .add("transformer.x_embedder.lora_A.weight", new float[2 * 64], DType.F32, 2, 64)
                .add("transformer.x_embedder.lora_B.weight", new float[32 * 2], DType.F32, 32, 2)
                .write(dir.resolve("flux.safetensors"));
        assertThrows(LoraException.class, () -> TinyModel.builder(ComponentOptions.defaults()).lora(other, 1f).build());
        // WARN skips what does not fit; nothing left is still an error
        var e = assertThrows(LoraException.class, () -> TinyModel.builder(ComponentOptions.defaults())
                .unmatchedLoraKeys(UnmatchedKeys.WARN).lora(other, 1f).build());
        assertEquals(LoraException.Kind.UNMATCHED_MODULES, e.kind());
    }

    /** The DiT from a single file elsewhere (here diffusers names under a ComfyUI prefix) replaces the folder's. */
    @Test
    void pretrainedTakesTheTransformerFromASingleFile(@TempDir Path dir) throws IOException {
        Path model = TinyModel.writeDiffusersFolder(Files.createDirectories(dir.resolve("model")));
        float[][] fromFolder;
        try (VideoPipeline pipe = VideoPipeline.fromPretrained(model)) {
            fromFolder = frames(pipe.generate(REQUEST));
        }
        // the folder keeps transformer/config.json only; the weights move into one prefixed file
        Path single = dir.resolve("hunyuan_video_t2v_tiny.safetensors");
        InMemoryTensors weights = TinyModel.weights("transformer");
        SafetensorsWriter w = new SafetensorsWriter();
        try (NDManager m = NDManager.newBaseManager()) {
            for (String n : weights.names()) {
                w.add("model.diffusion_model." + n, weights.load(n, m, DataType.FLOAT32), DType.F32);
            }
            w.write(single);
        }
        try (Stream<Path> files = Files.list(model.resolve("transformer"))) {
            for (Path p : files.filter(p -> !p.getFileName().toString().equals("config.json")).toList()) {
                Files.delete(p);
            }
        }
        try (VideoPipeline pipe = VideoPipeline.pretrained(model, ComponentOptions.defaults(), single).build()) {
            Video v = pipe.generate(REQUEST);
            assertTrue(v.provenance().model().contains("transformer " + single.toAbsolutePath()),
                    v.provenance().model());
            float[][] got = frames(v);
            for (int i = 0; i < got.length; i++) {
                assertArrayEquals(fromFolder[i], got[i], "frame " + i);
            }
        }
        // without the override the folder now lacks transformer weights
        assertThrows(IllegalArgumentException.class, () -> VideoPipeline.fromPretrained(model));
        // a missing override file is named
        var e = assertThrows(IllegalArgumentException.class, () -> VideoPipeline.pretrained(model,
                ComponentOptions.defaults(), dir.resolve("absent.safetensors")));
        assertTrue(e.getMessage().contains("absent.safetensors"), e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }
}
