package io.hunyuan4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The T5 / mT5 (SentencePiece Unigram) and Chinese BERT (WordPiece) tokenizers through {@link TextTokenizer}, read
 * from {@code tokenizer.json} files this test writes: ids of English and Chinese prompts, padding to the pipelines'
 * lengths (CogVideoX 226 with {@code </s>}, HunyuanDiT's mT5 256 and BERT 77 with {@code [CLS] ... [SEP]}) and the
 * truncation count.
 */
class T5BertTokenizerTest {

    @TempDir
    Path tmp;

    private static long u(String piece) {
        return TinyUnigramWordPiece.unigramId(piece);
    }

    private static long w(String token) {
        return TinyUnigramWordPiece.wordPieceId(token);
    }

    @Test
    void unigramEncodesEnglishAndChineseWithEosAndPads() {
        TinyUnigramWordPiece.writeUnigram(tmp.resolve("tokenizer"));
        try (TextTokenizer t = TextTokenizer.load(tmp.resolve("tokenizer"))) {
            assertArrayEquals(new long[0], t.prefixTokens());
            assertArrayEquals(new long[] {1}, t.suffixTokens());
            assertEquals(0, t.padId());
            assertArrayEquals(new long[] {u("▁the"), u("▁cat"), u("▁sits"), u("▁on"), u("▁a"), u("▁mat"), 1},
                    t.encode("the cat sits on a mat"));
            // the word start piece, then single characters, then the two-character piece the scores prefer
            // NFKC maps the full-width comma to ","
            assertArrayEquals(new long[] {u("▁我"), u("爱"), u("猫"), u(","), u("一只"), u("猫"), u("。"), 1},
                    t.encode("我爱猫，一只猫。"));
            TokenizedBatch b = t.batch(List.of("the cat", "我爱猫"), 226);
            assertEquals(226, b.length());
            long[] row0 = new long[226];
            row0[0] = u("▁the");
            row0[1] = u("▁cat");
            row0[2] = 1;
            assertArrayEquals(row0, b.inputIds()[0]);
            assertEquals(3, Arrays.stream(b.attentionMask()[0]).sum());
            assertEquals(4, Arrays.stream(b.attentionMask()[1]).sum());
            assertArrayEquals(new int[] {0, 0}, b.truncated());
        }
    }

    @Test
    void unigramTruncatesToMaxLengthKeepingEos() {
        TinyUnigramWordPiece.writeUnigram(tmp.resolve("tokenizer_2"));
        try (TextTokenizer t = TextTokenizer.load(tmp.resolve("tokenizer_2"))) {
            String longPrompt = "the cat ".repeat(200).strip(); // 400 pieces
            TokenizedBatch b = t.batch(List.of(longPrompt, "猫"), 256);
            assertEquals(256, b.length());
            assertEquals(1, b.inputIds()[0][255], "</s> is kept at the end after truncation");
            assertEquals(u("▁the"), b.inputIds()[0][254]);
            assertEquals(400 - 255, b.truncated()[0]);
            assertEquals(0, b.truncated()[1]);
            assertEquals(256, Arrays.stream(b.attentionMask()[0]).sum());
        }
    }

    @Test
    void wordPieceSplitsChineseCharactersAndWrapsWithClsSep() {
        TinyUnigramWordPiece.writeWordPiece(tmp.resolve("tokenizer"));
        try (TextTokenizer t = TextTokenizer.load(tmp.resolve("tokenizer"))) {
            assertArrayEquals(new long[] {101}, t.prefixTokens());
            assertArrayEquals(new long[] {102}, t.suffixTokens());
            assertEquals(0, t.padId());
            assertArrayEquals(new long[] {101, w("我"), w("爱"), w("猫"), w("，"), w("一"), w("只"), w("猫"), w("。"), 102},
                    t.encode("我爱猫，一只猫。"));
            // lower-cased, sub-words with ##, an unknown word as [UNK]
            assertArrayEquals(new long[] {101, w("the"), w("cat"), w("##s"), w("sits"), w("on"), w("a"), w("red"),
                w("##dish"), w("mat"), 100, 102}, t.encode("The cats sits on a reddish mat xyz"));
            TokenizedBatch b = t.batch(List.of("a cat在mat上", ""), 77);
            long[] row = new long[77];
            long[] head = {101, w("a"), w("cat"), w("在"), w("mat"), w("上"), 102};
            System.arraycopy(head, 0, row, 0, head.length);
            assertArrayEquals(row, b.inputIds()[0]);
            assertEquals(7, Arrays.stream(b.attentionMask()[0]).sum());
            assertEquals(2, Arrays.stream(b.attentionMask()[1]).sum(), "an empty prompt is [CLS] [SEP]");
        }
    }

    @Test
    void wordPieceTruncationKeepsSep() {
        TinyUnigramWordPiece.writeWordPiece(tmp.resolve("tokenizer"));
        try (TextTokenizer t = TextTokenizer.load(tmp.resolve("tokenizer"))) {
            TokenizedBatch b = t.batch(List.of("猫".repeat(100)), 77);
            assertEquals(101, b.inputIds()[0][0]);
            assertEquals(102, b.inputIds()[0][76]);
            assertEquals(w("猫"), b.inputIds()[0][75]);
            assertEquals(100 - 75, b.truncated()[0]);
        }
    }
}
