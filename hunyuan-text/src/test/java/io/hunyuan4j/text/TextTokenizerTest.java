package io.hunyuan4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextTokenizerTest {

    @TempDir
    Path tmp;

    @Test
    void llamaTokenizerAddsBosAndTokenizesEveryByte() {
        TinyTokenizers.writeLlama(tmp);
        try (TextTokenizer t = TextTokenizer.load(tmp)) {
            assertArrayEquals(new long[] {TinyTokenizers.LLAMA_BOS_ID}, t.prefixTokens());
            assertArrayEquals(new long[0], t.suffixTokens());
            assertEquals(TinyTokenizers.LLAMA_PAD_ID, t.padId());
            // "the" -> "th"? no merge; "h e" then ... ; " the" -> "Ġthe" (id 258)
            long[] ids = t.encode(" the cat");
            assertEquals(TinyTokenizers.LLAMA_BOS_ID, ids[0]);
            assertEquals(258, ids[1], java.util.Arrays.toString(ids));
            String mixed = "猫 on the grass 🐈 кот";
            long[] m = t.encode(mixed);
            assertTrue(m.length > mixed.getBytes(StandardCharsets.UTF_8).length / 2, "byte-level ids " + m.length);
            for (long id : m) {
                assertTrue(id >= 0 && id < TinyTokenizers.LLAMA_VOCAB_SIZE, "id " + id);
            }
            assertEquals(mixed, t.decode(m));
            assertEquals(269, t.singleId("<|eot_id|>"));
            assertArrayEquals(new long[] {TinyTokenizers.LLAMA_BOS_ID}, t.encode(""));
        }
    }

    @Test
    void inMemoryTinyTokenizersEqualTheWrittenOnes() {
        TinyTokenizers.write(tmp);
        String text = "a cat 猫 walks on the grass 🐈";
        try (TextTokenizer llamaMem = TinyTokenizers.llama(); TextTokenizer llamaFile = TextTokenizer.load(tmp.resolve("tokenizer"));
                TextTokenizer clipMem = TinyTokenizers.clip();
                TextTokenizer clipFile = TextTokenizer.load(tmp.resolve("tokenizer_2"))) {
            assertArrayEquals(llamaFile.encode(text), llamaMem.encode(text));
            assertEquals(TinyTokenizers.LLAMA_PAD_ID, llamaMem.padId());
            assertArrayEquals(llamaFile.prefixTokens(), llamaMem.prefixTokens());
            assertArrayEquals(clipFile.encode(text), clipMem.encode(text));
            assertEquals(TinyTokenizers.CLIP_EOS_ID, clipMem.padId());
            assertEquals(TinyTokenizers.CLIP_EOS_ID, clipMem.encode(text)[clipMem.encode(text).length - 1]);
        }
    }

    @Test
    void clipFromTokenizerJsonAndFromVocabMergesAgree() {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        TinyTokenizers.writeClip(a);
        TinyTokenizers.writeClipVocabAndMerges(b);
        try (TextTokenizer ta = TextTokenizer.load(a); TextTokenizer tb = TextTokenizer.load(b)) {
            String text = "The  CAT sat on the mat, 猫!";
            assertArrayEquals(ta.encode(text), tb.encode(text));
            long[] ids = ta.encode("the cat");
            // <|startoftext|> the</w> cat</w> <|endoftext|>
            assertArrayEquals(new long[] {TinyTokenizers.CLIP_BOS_ID, 513, 515, TinyTokenizers.CLIP_EOS_ID}, ids);
            assertEquals(TinyTokenizers.CLIP_EOS_ID, ta.padId());
            assertEquals(TinyTokenizers.CLIP_EOS_ID, tb.padId());
        }
    }

    @Test
    void batchTruncatesKeepingTheEndTokenAndPadsRight() {
        TinyTokenizers.writeClip(tmp);
        try (TextTokenizer t = TextTokenizer.load(tmp)) {
            TokenizedBatch batch = t.batch(List.of("the cat", "in in in in in in in in"), 6);
            assertEquals(6, batch.length());
            assertArrayEquals(new long[] {518, 513, 515, 519, 519, 519}, batch.inputIds()[0]);
            assertArrayEquals(new long[] {1, 1, 1, 1, 0, 0}, batch.attentionMask()[0]);
            assertEquals(0, batch.truncated()[0]);
            assertEquals(519, batch.inputIds()[1][5], "end token kept after truncation");
            assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1}, batch.attentionMask()[1]);
            assertEquals(16 - 4, batch.truncated()[1], "8 words of 2 tokens (i, n</w>), 4 kept");
            var e = assertThrows(IllegalArgumentException.class, () -> t.batch(List.of("x"), 1));
            assertTrue(e.getMessage().contains("maxLength must be >= 2"), e.getMessage());
        }
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        var e = assertThrows(TokenizerException.class, () -> TextTokenizer.load(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        Files.writeString(tmp.resolve("vocab.json"), "{}");
        var e2 = assertThrows(TokenizerException.class, () -> TextTokenizer.load(tmp));
        assertTrue(e2.getMessage().contains("merges.txt is missing"), e2.getMessage());
        assertTrue(e2.getMessage().contains(tmp.resolve("tokenizer.json").toString()), e2.getMessage());
    }

    @Test
    void malformedFilesAreNamed() throws Exception {
        Path json = tmp.resolve("tokenizer.json");
        Files.writeString(json, "{\"model\": {\"type\": \"BPE\", ");
        var e = assertThrows(TokenizerException.class, () -> TextTokenizer.load(tmp));
        assertTrue(e.getMessage().startsWith(json.toString()) && e.getMessage().contains("malformed"), e.getMessage());
        Files.writeString(json, "{\"model\": {\"type\": \"NoSuchModel\"}}");
        var e2 = assertThrows(TokenizerException.class, () -> TextTokenizer.load(tmp));
        assertTrue(e2.getMessage().startsWith(json.toString()) && e2.getMessage().contains("not a valid"),
                e2.getMessage());
        Path clip = tmp.resolve("clip");
        TinyTokenizers.writeClipVocabAndMerges(clip);
        Files.writeString(clip.resolve("merges.txt"), "#version: 0.2\nt h\nbroken\n");
        var e3 = assertThrows(TokenizerException.class, () -> TextTokenizer.load(clip));
        assertTrue(e3.getMessage().contains("merges.txt") && e3.getMessage().contains("line 3"), e3.getMessage());
        Files.writeString(clip.resolve("vocab.json"), "[1, 2]");
        var e4 = assertThrows(TokenizerException.class, () -> TextTokenizer.load(clip));
        assertTrue(e4.getMessage().contains("vocab.json"), e4.getMessage());
    }
}
