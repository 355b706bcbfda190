package io.hunyuan4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.GoldenFiles;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.api.PromptEncoder;
import io.hunyuan4j.core.api.PromptEncoderFactory;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import io.hunyuan4j.core.weights.TensorSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text encoders' bf16 path through the factory: a bf16 checkpoint against the float32 one. */
class TextBf16Test {

    @Test
    void bf16CheckpointThroughTheFactoryMatchesFloat32(@TempDir Path tmp) throws IOException {
        Path f32 = TinyTextModel.write(tmp.resolve("f32"), TinyTokenizers.LLAMA_VOCAB_SIZE);
        Path bf16 = tmp.resolve("bf16");
        copyTree(f32, bf16);
        for (String part : List.of("text_encoder", "text_encoder_2")) {
            rewriteAsBf16(f32.resolve(part).resolve("model.safetensors"), bf16.resolve(part).resolve("model.safetensors"));
        }
        PromptEncoderFactory factory = ServiceLoader.load(PromptEncoderFactory.class).findFirst().orElseThrow();
        List<String> prompts = List.of("A cat walks on the grass, realistic", "");
        for (LoadMode mode : List.of(LoadMode.EAGER, LoadMode.LAZY)) {
            try (NDManager m = NDManager.newBaseManager();
                    PromptEncoder ref = factory.load(f32, new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, mode));
                    PromptEncoder low = factory.load(bf16, new ComponentOptions(Device.cpu(), ComputeDtype.BF16, mode))) {
                PromptEmbeds expected = ref.encode(prompts, m);
                PromptEmbeds got = low.encode(prompts, m);
                assertEquals(DataType.FLOAT32, got.promptEmbeds().getDataType(), "float32 at the boundary");
                assertEquals(DataType.FLOAT32, got.pooled().getDataType());
                assertEquals(0f, got.attentionMask().toType(DataType.FLOAT32, false)
                        .sub(expected.attentionMask().toType(DataType.FLOAT32, false)).abs().max().getFloat());
                double embeds = GoldenFiles.maxRelErr(got.promptEmbeds(), expected.promptEmbeds());
                double pooled = GoldenFiles.maxRelErr(got.pooled(), expected.pooled());
                String errors = "tiny text " + mode + " bf16 vs float32 max_rel_err: prompt_embeds " + embeds
                        + ", pooled " + pooled;
                assertTrue(embeds <= GoldenFiles.BF16_TOLERANCE && embeds > 0, errors);
                assertTrue(pooled <= GoldenFiles.BF16_TOLERANCE && pooled > 0, errors);
            }
        }
    }

    /** Bf16 weights stay bf16 in memory (the loader the factory uses). */
    @Test
    void bf16WeightsAreHeldAsBf16(@TempDir Path tmp) throws IOException {
        Path f32 = TinyTextModel.write(tmp.resolve("f32"), TinyTokenizers.LLAMA_VOCAB_SIZE);
        Path file = tmp.resolve("llama-bf16.safetensors");
        rewriteAsBf16(f32.resolve("text_encoder/model.safetensors"), file);
        try (TensorSource s = Checkpoints.open(file); NDManager m = NDManager.newBaseManager()) {
            NDArray a = ComputeDtype.BF16.loader().load(s, "embed_tokens.weight", m);
            assertTrue(F.isBf16(a));
        }
    }

    private static void rewriteAsBf16(Path from, Path to) {
        try (TensorSource s = Checkpoints.open(from); NDManager m = NDManager.newBaseManager()) {
            SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
            for (String name : s.names()) {
                NDArray a = s.load(name, m, DataType.FLOAT32);
                w.add(name, a.toFloatArray(), DType.BF16, a.getShape().getShape());
            }
            w.write(to);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
