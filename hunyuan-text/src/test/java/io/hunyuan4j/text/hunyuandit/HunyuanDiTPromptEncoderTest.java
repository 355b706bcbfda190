package io.hunyuan4j.text.hunyuandit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.hunyuan4j.text.TokenizedBatch;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HunyuanDiTPromptEncoder} on tiny BERT and mT5 encoders with written WordPiece and Unigram tokenizers. */
class HunyuanDiTPromptEncoderTest {

    private static final ComponentOptions LAZY = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.LAZY);

    @TempDir
    Path tmp;

    @Test
    void encodesBothStreamsWithTheirMasks() {
        Path model = T5BertModels.hunyuanDiT(tmp);
        List<String> prompts = List.of("a cat sits on the mat", "我爱猫，一只猫。");
        try (HunyuanDiTPromptEncoder encoder = HunyuanDiTPromptEncoder.load(model, LAZY);
                TextTokenizer bertTok = TextTokenizer.load(model.resolve("tokenizer"));
                TextTokenizer t5Tok = TextTokenizer.load(model.resolve("tokenizer_2"));
                NDManager m = NDManager.newBaseManager()) {
            HunyuanDiTPromptEmbeds e = encoder.encodeBoth(prompts, m);
            assertEquals(new Shape(2, 77, 32), e.promptEmbeds().getShape());
            assertEquals(new Shape(2, 77), e.promptAttentionMask().getShape());
            assertEquals(new Shape(2, 256, 32), e.promptEmbeds2().getShape());
            assertEquals(new Shape(2, 256), e.promptAttentionMask2().getShape());
            // [CLS] a cat sits on the mat [SEP]; [CLS] 8 characters [SEP]
            assertArrayEquals(new long[] {8, 10}, e.promptAttentionMask().sum(new int[] {1}).toLongArray());
            // 6 pieces + </s>; 7 pieces + </s>
            assertArrayEquals(new long[] {7, 8}, e.promptAttentionMask2().sum(new int[] {1}).toLongArray());
            assertEquals(List.of(0, 0), e.truncatedTokens());
            assertEquals(List.of(0, 0), e.truncatedTokens2());
            // the encoders run directly WITH the tokenizers' masks
            TokenizedBatch b1 = bertTok.batch(prompts, 77);
            NDArray bert = encoder.textEncoder().lastHiddenState(b1.inputIds(m), b1.attentionMask(m));
            assertTrue(GoldenFiles.maxRelErr(e.promptEmbeds(), bert) < 1e-6);
            TokenizedBatch b2 = t5Tok.batch(prompts, 256);
            NDArray mt5 = encoder.textEncoder2().lastHiddenState(b2.inputIds(m), b2.attentionMask(m));
            assertTrue(GoldenFiles.maxRelErr(e.promptEmbeds2(), mt5) < 1e-6);
            // masked: a prompt's valid rows do not depend on the batch's padding
            HunyuanDiTPromptEmbeds alone = encoder.encodeBoth(List.of(prompts.get(0)), m);
            assertTrue(GoldenFiles.maxRelErr(alone.promptEmbeds2().get(":, :7, :"),
                    e.promptEmbeds2().get("0:1, :7, :")) < 1e-5);
            // the PromptEncoder contract: the BERT stream
            PromptEmbeds single = encoder.encode(prompts, m);
            assertTrue(GoldenFiles.maxRelErr(single.promptEmbeds(), e.promptEmbeds()) < 1e-6);
            assertEquals(new Shape(2, 0), single.pooled().getShape());
            for (Parameter p : encoder.textEncoder2().parameters()) {
                assertFalse(p.isLoaded(), p.name() + " still resident");
            }
            for (Parameter p : encoder.textEncoder().parameters()) {
                assertFalse(p.isLoaded(), p.name() + " still resident");
            }
        }
    }

    @Test
    void reportsTruncationOfEachTokenizer() {
        Path model = T5BertModels.hunyuanDiT(tmp);
        String longPrompt = "猫".repeat(100);
        try (HunyuanDiTPromptEncoder encoder = HunyuanDiTPromptEncoder.load(model, LAZY);
                NDManager m = NDManager.newBaseManager()) {
            HunyuanDiTPromptEmbeds e = encoder.encodeBoth(List.of(longPrompt), m);
            assertEquals(List.of(100 - 75), e.truncatedTokens());
            assertEquals(List.of(0), e.truncatedTokens2());
        }
    }
}
