package io.hunyuan4j.text;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.HunyuanException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenizers that the native library accepts but that cannot tokenize a prompt are refused at load. */
class TokenizerReliabilityTest {

    @TempDir
    Path tmp;

    private TokenizerException refusedAfter(Consumer<JsonObject> edit) throws IOException {
        TinyTokenizers.writeLlama(tmp);
        Path json = tmp.resolve("tokenizer.json");
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        edit.accept(root.getAsJsonObject("model"));
        Files.writeString(json, root.toString());
        TokenizerException e = assertThrows(TokenizerException.class, () -> TextTokenizer.load(tmp).close());
        assertTrue(e.getMessage().contains(json.toString()), e.getMessage());
        return e;
    }

    @Test
    void emptyVocabularyIsRefused() throws IOException {
        TokenizerException e = refusedAfter(m -> {
            m.add("vocab", new JsonObject());
            m.add("merges", new JsonArray());
        });
        assertTrue(e.getMessage().contains("vocab is empty"), e.getMessage());
    }

    @Test
    void emptyMergeListIsRefused() throws IOException {
        TokenizerException e = refusedAfter(m -> m.add("merges", new JsonArray()));
        assertTrue(e.getMessage().contains("merges"), e.getMessage());
    }

    @Test
    void emptyMergesTxtIsRefused() throws IOException {
        TinyTokenizers.writeClipVocabAndMerges(tmp);
        Files.writeString(tmp.resolve("merges.txt"), "#version: 0.2\n");
        TokenizerException e = assertThrows(TokenizerException.class, () -> TextTokenizer.load(tmp).close());
        assertTrue(e.getMessage().contains("merges.txt holds no merges"), e.getMessage());
    }

    @Test
    void garbageIsATokenizerExceptionAndAHunyuanException() throws IOException {
        Files.write(tmp.resolve("tokenizer.json"), new byte[] {(byte) 0xff, 0x00, 0x13, '{'});
        TokenizerException e = assertThrows(TokenizerException.class, () -> TextTokenizer.load(tmp).close());
        assertTrue(e instanceof HunyuanException);
    }

    @Test
    void truncationReportOfAHugePromptIsShort() {
        String prompt = "a cat walks on the grass ".repeat(4000); // 100 KB
        try (TextTokenizer t = TinyTokenizers.clip()) {
            String cut = t.truncatedText(prompt, HunyuanPromptEncoder.CLIP_MAX_SEQUENCE_LENGTH);
            assertTrue(cut.length() < 600, "reported " + cut.length() + " characters");
            assertTrue(cut.endsWith("more tokens)"), cut);
            assertTrue(cut.startsWith("a cat") || cut.startsWith("cat") || cut.contains("grass"), cut);
        }
    }
}
