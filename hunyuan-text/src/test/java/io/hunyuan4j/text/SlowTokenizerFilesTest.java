package io.hunyuan4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slow-tokenizer folders the published CogVideoX and HunyuanDiT checkpoints ship (no {@code tokenizer.json}):
 * a SentencePiece {@code spiece.model} (T5 / mT5) and a WordPiece {@code vocab.txt} (BERT), written by this test,
 * tokenize exactly like the equivalent {@code tokenizer.json} files.
 */
class SlowTokenizerFilesTest {

    private static final List<String> PROMPTS = List.of("the cat sits on a mat", "我爱猫。一只猫", "a  cat ", "",
            "The Cats sit on a reddish mat");

    @TempDir
    Path tmp;

    @Test
    void spieceModelTokenizesLikeItsTokenizerJson() throws Exception {
        TinyUnigramWordPiece.writeUnigram(tmp.resolve("json"));
        Path slow = Files.createDirectories(tmp.resolve("slow"));
        Files.write(slow.resolve("spiece.model"), spieceModel());
        Files.writeString(slow.resolve("tokenizer_config.json"),
                "{\"tokenizer_class\": \"T5Tokenizer\", \"extra_ids\": 4, \"eos_token\": \"</s>\","
                        + " \"pad_token\": \"<pad>\", \"unk_token\": \"<unk>\"}");
        try (TextTokenizer json = TextTokenizer.load(tmp.resolve("json"));
                TextTokenizer sp = TextTokenizer.load(slow)) {
            assertEquals(0, sp.padId());
            assertArrayEquals(new long[] {1}, sp.suffixTokens());
            for (String p : PROMPTS.subList(0, 3)) {
                assertArrayEquals(json.encode(p), sp.encode(p), p);
            }
            // sentinels after the pieces, highest first: <extra_id_3> .. <extra_id_0>
            int pieces = TinyUnigramWordPiece.UNIGRAM_SPECIALS.size() + TinyUnigramWordPiece.UNIGRAM_PIECES.size();
            assertArrayEquals(new long[] {pieces + 3, 1}, sp.encode("<extra_id_0>"));
            assertEquals(json.batch(PROMPTS, 226), sp.batch(PROMPTS, 226));
        }
    }

    @Test
    void vocabTxtTokenizesLikeItsTokenizerJson() throws Exception {
        TinyUnigramWordPiece.writeWordPiece(tmp.resolve("json"));
        Path slow = Files.createDirectories(tmp.resolve("slow"));
        List<String> lines = new ArrayList<>();
        lines.add("[PAD]");
        for (int i = 1; i < 100; i++) {
            lines.add("[unused" + i + "]");
        }
        lines.addAll(List.of("[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        lines.addAll(TinyUnigramWordPiece.WORDPIECE_WORDS);
        Files.write(slow.resolve("vocab.txt"), lines, StandardCharsets.UTF_8);
        Files.writeString(slow.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"BertTokenizer\","
                + " \"do_lower_case\": true}");
        try (TextTokenizer json = TextTokenizer.load(tmp.resolve("json"));
                TextTokenizer bert = TextTokenizer.load(slow)) {
            assertArrayEquals(new long[] {101}, bert.prefixTokens());
            assertArrayEquals(new long[] {102}, bert.suffixTokens());
            assertEquals(0, bert.padId());
            assertEquals(json.batch(PROMPTS, 77), bert.batch(PROMPTS, 77));
        }
    }

    @Test
    void malformedSpieceModelIsReportedByFile() throws Exception {
        Path slow = Files.createDirectories(tmp.resolve("slow"));
        Files.write(slow.resolve("spiece.model"), new byte[] {0x0a, 0x7f, 0x01});
        var e = assertThrows(TokenizerException.class, () -> TextTokenizer.load(slow));
        assertTrue(e.getMessage().contains("spiece.model"), e.getMessage());
    }

    /** A {@code ModelProto} with the tiny Unigram's pieces (specials CONTROL / UNKNOWN), Unigram, unk_id 2. */
    private static byte[] spieceModel() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] types = {3, 3, 2};
        for (int i = 0; i < TinyUnigramWordPiece.UNIGRAM_SPECIALS.size(); i++) {
            field(out, 1, piece(TinyUnigramWordPiece.UNIGRAM_SPECIALS.get(i), 0f, types[i]));
        }
        for (Map.Entry<String, Double> e : TinyUnigramWordPiece.UNIGRAM_PIECES.entrySet()) {
            field(out, 1, piece(e.getKey(), e.getValue().floatValue(), 1));
        }
        ByteArrayOutputStream trainer = new ByteArrayOutputStream();
        varint(trainer, 3 << 3);
        varint(trainer, 1);
        varint(trainer, 40 << 3);
        varint(trainer, 2);
        field(out, 2, trainer.toByteArray());
        ByteArrayOutputStream normalizer = new ByteArrayOutputStream();
        field(normalizer, 1, "identity".getBytes(StandardCharsets.UTF_8));
        field(out, 3, normalizer.toByteArray());
        return out.toByteArray();
    }

    private static byte[] piece(String s, float score, int type) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        field(p, 1, s.getBytes(StandardCharsets.UTF_8));
        varint(p, (2 << 3) | 5);
        p.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(score).array());
        varint(p, 3 << 3);
        varint(p, type);
        return p.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] bytes) {
        varint(out, (number << 3) | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
