package io.hunyuan4j.text.cogvideox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.GoldenFiles;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.text.T5BertModels;
import io.hunyuan4j.text.TextTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CogVideoXPromptEncoder} on a tiny T5 (the text_t5 fixture's) with a written Unigram tokenizer. */
class CogVideoXPromptEncoderTest {

    private static final ComponentOptions LAZY = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.LAZY);

    @TempDir
    Path tmp;

    @Test
    void encodesTo226UnmaskedTokensAsDiffusersDoes() {
        Path model = T5BertModels.cogVideoX(tmp);
        List<String> prompts = List.of("the cat sits on a mat", "我爱猫，一只猫。", "");
        try (CogVideoXPromptEncoder encoder = CogVideoXPromptEncoder.load(model, LAZY);
                TextTokenizer tok = TextTokenizer.load(model.resolve("tokenizer"));
                NDManager m = NDManager.newBaseManager()) {
            CogVideoXPromptEncoder.Encoding enc = encoder.encodeWithReport(prompts, m);
            PromptEmbeds e = enc.embeds();
            assertEquals(new Shape(3, 226, 32), e.promptEmbeds().getShape());
            assertEquals(new Shape(3, 226), e.attentionMask().getShape());
            assertEquals(3 * 226, e.attentionMask().sum().getLong(), "every position is conditioning");
            assertEquals(new Shape(3, 0), e.pooled().getShape());
            assertEquals(List.of(0, 0, 0), e.truncatedTokens());
            assertArrayEquals(new long[] {7, 8, 1}, enc.tokenAttentionMask().sum(new int[] {1}).toLongArray());
            // the same as the T5 run directly, unmasked, on the tokenizer's ids
            var batch = tok.batch(prompts, 226);
            NDArray ids = batch.inputIds(m);
            NDArray direct = encoder.textEncoder().lastHiddenState(ids, null);
            assertTrue(GoldenFiles.maxRelErr(e.promptEmbeds(), direct) < 1e-6);
            // the streaming path (each block's input freed) equals the one that keeps every state
            NDArray kept = encoder.textEncoder().forward(ids, null, true).lastHiddenState();
            assertTrue(GoldenFiles.maxRelErr(direct, kept) < 1e-7);
            // ... and not the masked run: CogVideoX lets the padding shape the valid tokens
            NDArray masked = encoder.textEncoder().lastHiddenState(ids, batch.attentionMask(m));
            assertTrue(GoldenFiles.maxRelErr(e.promptEmbeds().get(":, :7, :"), masked.get(":, :7, :")) > 1e-3);
            // LAZY streams: nothing stays resident after a call
            for (Parameter p : encoder.textEncoder().parameters()) {
                assertFalse(p.isLoaded(), p.name() + " still resident");
            }
        }
    }

    @Test
    void reportsTruncationAndEagerGivesTheSameResult() {
        Path model = T5BertModels.cogVideoX(tmp);
        String longPrompt = "the cat ".repeat(150).strip(); // 300 pieces
        try (CogVideoXPromptEncoder lazy = CogVideoXPromptEncoder.load(model, LAZY);
                CogVideoXPromptEncoder eager = CogVideoXPromptEncoder.load(model, ComponentOptions.defaults());
                NDManager m = NDManager.newBaseManager()) {
            PromptEmbeds a = lazy.encode(List.of(longPrompt), m);
            assertEquals(List.of(300 - 225), a.truncatedTokens());
            assertTrue(eager.textEncoder().parameters().stream().allMatch(Parameter::isLoaded));
            PromptEmbeds b = eager.encode(List.of(longPrompt), m);
            assertTrue(GoldenFiles.maxRelErr(a.promptEmbeds(), b.promptEmbeds()) < 1e-6);
            assertThrows(IllegalArgumentException.class, () -> lazy.encode(List.of(), m));
        }
    }
}
