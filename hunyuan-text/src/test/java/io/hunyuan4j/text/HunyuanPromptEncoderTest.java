package io.hunyuan4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.GoldenFiles;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.api.PromptEncoder;
import io.hunyuan4j.core.api.PromptEncoderFactory;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HunyuanPromptEncoderTest {

    private static final ComponentOptions LAZY = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.LAZY);
    private static final ComponentOptions EAGER = ComponentOptions.defaults();

    @TempDir
    Path tmp;

    @Test
    void encodesBatchesOfMixedScriptsAndEmptyPromptsThroughTheFactory() throws Exception {
        Path model = TinyTextModel.write(tmp, TinyTokenizers.LLAMA_VOCAB_SIZE);
        PromptEncoderFactory factory = ServiceLoader.load(PromptEncoderFactory.class).findFirst().orElseThrow();
        List<String> prompts = List.of("A cat walks on the grass, realistic", "", "一只猫在草地上走 🐈‍⬛ und ein Hund");
        try (PromptEncoder encoder = factory.load(model, LAZY);
                TextTokenizer tok = TextTokenizer.load(model.resolve("tokenizer"));
                NDManager m = NDManager.newBaseManager()) {
            HunyuanPromptEncoder hp = assertInstanceOf(HunyuanPromptEncoder.class, encoder);
            PromptTemplate template = PromptTemplate.hunyuanVideo();
            assertEquals(tok.countTokens(template.prefix()), hp.cropStart(), "BOS + template before the text");
            PromptEmbeds e = encoder.encode(prompts, m);
            assertEquals(new Shape(3, 256, TinyTextModel.HIDDEN), e.promptEmbeds().getShape());
            assertEquals(new Shape(3, 256), e.attentionMask().getShape());
            assertEquals(new Shape(3, TinyTextModel.HIDDEN), e.pooled().getShape());
            assertEquals(List.of(0, 0, 0), e.truncatedTokens());
            assertFalse(e.promptEmbeds().isNaN().any().getBoolean());
            long[] sums = e.attentionMask().sum(new int[] {1}).toLongArray();
            for (int b = 0; b < 3; b++) {
                // user tokens + <|eot_id|>
                long expected = tok.countTokens(template.format(prompts.get(b))) - hp.cropStart();
                assertEquals(expected, sums[b], "valid tokens of prompt " + b);
            }
            assertEquals(1, sums[1], "empty prompt keeps only <|eot_id|>");
            assertTrue(sums[2] > 20, "Chinese and emoji tokenize byte by byte: " + sums[2]);
            // a negative prompt is just another call, and a row does not depend on its batch
            PromptEmbeds alone = encoder.encode(List.of(prompts.get(2)), m);
            assertTrue(GoldenFiles.maxRelErr(alone.promptEmbeds().get(0), e.promptEmbeds().get(2)) < 1e-5);
            assertTrue(GoldenFiles.maxRelErr(alone.pooled().get(0), e.pooled().get(2)) < 1e-5);
            // LAZY streams: nothing of the Llama stays resident after a call
            for (Parameter p : hp.textEncoder().parameters()) {
                assertFalse(p.isLoaded(), p.name() + " still resident");
            }
        }
    }

    @Test
    void eagerKeepsTheLlamaResidentAndGivesTheSameResult() throws Exception {
        Path model = TinyTextModel.write(tmp, TinyTokenizers.LLAMA_VOCAB_SIZE);
        try (HunyuanPromptEncoder eager = HunyuanPromptEncoder.load(model, EAGER);
                HunyuanPromptEncoder lazy = HunyuanPromptEncoder.load(model, LAZY);
                NDManager m = NDManager.newBaseManager()) {
            assertTrue(eager.textEncoder().parameters().stream().allMatch(Parameter::isLoaded));
            PromptEmbeds a = eager.encode(List.of("a red fox"), m);
            PromptEmbeds b = lazy.encode(List.of("a red fox"), m);
            assertEquals(0.0, GoldenFiles.maxRelErr(a.promptEmbeds(), b.promptEmbeds()), 1e-7);
        }
    }

    @Test
    void longPromptsAreTruncatedAndReported() throws Exception {
        Path model = TinyTextModel.write(tmp, TinyTokenizers.LLAMA_VOCAB_SIZE);
        try (HunyuanPromptEncoder encoder = HunyuanPromptEncoder.load(model, LAZY);
                NDManager m = NDManager.newBaseManager()) {
            // one word of 300 letters: 300 byte tokens (no merge for "a a") in both tokenizers
            String longPrompt = "a".repeat(300);
            HunyuanPromptEncoder.Encoding r = encoder.encodeWithReport(List.of(longPrompt, "short"), m);
            assertEquals(List.of(300 - 256, 0), r.llamaTruncatedTokens());
            assertEquals(List.of(300 - 256, 0), r.embeds().truncatedTokens());
            assertEquals(List.of(300 - 75, 0), r.clipTruncatedTokens());
            assertEquals(256, r.embeds().attentionMask().get(0).sum().getLong(), "all 256 positions hold user text");
        }
    }

    @Test
    void closeReleasesAndLaterUseFailsCleanly() throws Exception {
        Path model = TinyTextModel.write(tmp, TinyTokenizers.LLAMA_VOCAB_SIZE);
        HunyuanPromptEncoder encoder = HunyuanPromptEncoder.load(model, EAGER);
        encoder.close();
        assertTrue(encoder.textEncoder().parameters().stream().noneMatch(Parameter::isLoaded));
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalStateException.class, () -> encoder.encode(List.of("x"), m));
        }
        encoder.close();
    }

    @Test
    void tokenIdsOutsideTheModelVocabularyAreRejected() throws Exception {
        Path model = TinyTextModel.write(tmp, 200);
        try (HunyuanPromptEncoder encoder = HunyuanPromptEncoder.load(model, LAZY);
                NDManager m = NDManager.newBaseManager()) {
            var e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(List.of("hi"), m));
            assertTrue(e.getMessage().contains("input_ids must be in [0, 200) (vocab_size)"), e.getMessage());
        }
    }

    @Test
    void badPromptListsAreRejected() throws Exception {
        Path model = TinyTextModel.write(tmp, TinyTokenizers.LLAMA_VOCAB_SIZE);
        try (HunyuanPromptEncoder encoder = HunyuanPromptEncoder.load(model, LAZY);
                NDManager m = NDManager.newBaseManager()) {
            var e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(List.of(), m));
            assertTrue(e.getMessage().contains("prompts must hold at least one prompt"), e.getMessage());
            var e2 = assertThrows(IllegalArgumentException.class,
                    () -> encoder.encode(java.util.Arrays.asList("ok", null), m));
            assertTrue(e2.getMessage().contains("prompts[1] is null"), e2.getMessage());
        }
    }

    @Test
    void missingOrMalformedTokenizerFilesAreNamed() throws Exception {
        Path model = TinyTextModel.write(tmp, TinyTokenizers.LLAMA_VOCAB_SIZE);
        Files.delete(model.resolve("tokenizer/tokenizer.json"));
        var e = assertThrows(TokenizerException.class, () -> HunyuanPromptEncoder.load(model, LAZY));
        assertTrue(e.getMessage().contains(model.resolve("tokenizer/tokenizer.json").toString()), e.getMessage());
        TinyTokenizers.writeLlama(model.resolve("tokenizer"));
        Files.writeString(model.resolve("tokenizer_2/tokenizer.json"), "not json {");
        var e2 = assertThrows(TokenizerException.class, () -> HunyuanPromptEncoder.load(model, LAZY));
        assertTrue(e2.getMessage().startsWith(model.resolve("tokenizer_2/tokenizer.json").toString()), e2.getMessage());
    }

    @Test
    void clipFolderWithOnlyVocabAndMergesLoads() throws Exception {
        Path model = TinyTextModel.write(tmp, TinyTokenizers.LLAMA_VOCAB_SIZE);
        Path t2 = model.resolve("tokenizer_2");
        PromptEmbeds reference;
        try (HunyuanPromptEncoder a = HunyuanPromptEncoder.load(model, LAZY); NDManager m = NDManager.newBaseManager()) {
            reference = a.encode(List.of("the cat sat"), m);
            Files.delete(t2.resolve("tokenizer.json"));
            TinyTokenizers.writeClipVocabAndMerges(t2);
            try (HunyuanPromptEncoder b = HunyuanPromptEncoder.load(model, LAZY)) {
                NDArray pooled = b.encode(List.of("the cat sat"), m).pooled();
                assertEquals(0.0, GoldenFiles.maxRelErr(pooled, reference.pooled()), 1e-7);
            }
        }
    }

    @Test
    void oversizedEagerLoadsFailBeforeReadingWeights() {
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> HunyuanPromptEncoder.requireEagerFits(7_505_186_816L * 4));
        assertTrue(e2.getMessage().contains("use LoadMode.LAZY"), e2.getMessage());
    }
}
