package io.hunyuan4j.text;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Small byte-level BPE tokenizers written by the SDK, for tiny test models: every byte has a token, so any
 * text (Chinese, emoji, mixed scripts) tokenizes. The Llama one has the Llama 3 special tokens the prompt
 * template uses; the CLIP one is in CLIP's {@code vocab.json}/{@code merges.txt} form ({@code </w>} suffixes)
 * and its end token is the largest id, as in the OpenAI vocabulary.
 */
public final class TinyTokenizers {

    /** Tokens of the tiny Llama tokenizer: 256 bytes, {@link #LLAMA_MERGES}, 6 specials. */
    public static final int LLAMA_VOCAB_SIZE = 256 + 9 + 6;
    /** Tokens of the tiny CLIP tokenizer: 256 bytes, 256 bytes with {@code </w>}, 6 merges, start and end. */
    public static final int CLIP_VOCAB_SIZE = 512 + 6 + 2;
    /** {@code <|begin_of_text|>} of the tiny Llama tokenizer. */
    public static final int LLAMA_BOS_ID = 265;
    /** The tiny Llama tokenizer's pad token {@code <pad>}. */
    public static final int LLAMA_PAD_ID = 270;
    /** {@code <|startoftext|>} of the tiny CLIP tokenizer. */
    public static final int CLIP_BOS_ID = 518;
    /** {@code <|endoftext|>} of the tiny CLIP tokenizer (the largest id). */
    public static final int CLIP_EOS_ID = 519;

    /** The tiny Llama tokenizer's pad token (its {@code tokenizer_config.json} {@code pad_token}). */
    static final String LLAMA_PAD_TOKEN = "<pad>";
    /** The tiny CLIP tokenizer's pad token, CLIP's end token as in the released CLIP tokenizers. */
    static final String CLIP_PAD_TOKEN = "<|endoftext|>";

    /** Merges of the tiny Llama tokenizer (byte-level symbols; {@code Ġ} is the space byte). */
    static final List<String> LLAMA_MERGES = List.of("Ġ t", "h e", "Ġt he", "i n", "Ġ a", "e r", "o n", "Ġ c", "a t");
    private static final List<String> LLAMA_SPECIALS = List.of("<|begin_of_text|>", "<|end_of_text|>",
            "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<pad>");
    private static final List<String> CLIP_MERGES = List.of("t h", "th e</w>", "a t</w>", "c at</w>", "i n", "o n</w>");

    /** Llama 3's pre-tokenizer pattern (its tokenizer.json). */
    private static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private TinyTokenizers() {}

    /** Writes {@code tokenizer/} (Llama) and {@code tokenizer_2/} (CLIP, {@code tokenizer.json}) under a model folder. */
    public static void write(Path modelDir) {
        writeLlama(modelDir.resolve("tokenizer"));
        writeClip(modelDir.resolve("tokenizer_2"));
    }

    /** Writes a Llama 3 style {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}. */
    public static void writeLlama(Path dir) {
        JsonObject config = new JsonObject();
        config.addProperty("tokenizer_class", "PreTrainedTokenizerFast");
        config.addProperty("pad_token", LLAMA_PAD_TOKEN);
        config.addProperty("padding_side", "right");
        writeFile(dir.resolve("tokenizer.json"), llamaJson());
        writeFile(dir.resolve("tokenizer_config.json"), GSON.toJson(config));
    }

    /**
     * The tiny Llama tokenizer built in memory (no files): the same tokenizer {@link #writeLlama} writes and
     * {@link TextTokenizer#load} reads back. The caller closes it.
     */
    public static TextTokenizer llama() {
        return TextTokenizer.fromJson(llamaJson(), "tiny Llama tokenizer (in memory)", LLAMA_PAD_TOKEN);
    }

    /**
     * The tiny CLIP tokenizer built in memory (no files): the same tokenizer {@link #writeClip} writes and
     * {@link TextTokenizer#load} reads back. The caller closes it.
     */
    public static TextTokenizer clip() {
        return TextTokenizer.fromJson(clipJson(), "tiny CLIP tokenizer (in memory)", CLIP_PAD_TOKEN);
    }

    /** The tiny Llama tokenizer's {@code tokenizer.json} text. */
    public static String llamaJson() {
        JsonObject vocab = byteVocab(false);
        for (String m : LLAMA_MERGES) {
            vocab.addProperty(m.replace(" ", ""), vocab.size());
        }
        JsonArray added = new JsonArray();
        for (String s : LLAMA_SPECIALS) {
            JsonObject t = new JsonObject();
            t.addProperty("id", vocab.size() + added.size());
            t.addProperty("content", s);
            t.addProperty("single_word", false);
            t.addProperty("lstrip", false);
            t.addProperty("rstrip", false);
            t.addProperty("normalized", false);
            t.addProperty("special", true);
            added.add(t);
        }
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        root.add("added_tokens", added);
        root.add("normalizer", JsonNull.INSTANCE);
        JsonObject split = ClipTokenizerJson.type("Split");
        split.add("pattern", ClipTokenizerJson.regex(LLAMA3_PATTERN));
        split.addProperty("behavior", "Isolated");
        split.addProperty("invert", false);
        JsonArray pre = new JsonArray();
        pre.add(split);
        pre.add(ClipTokenizerJson.byteLevel(false));
        JsonObject preTokenizer = ClipTokenizerJson.type("Sequence");
        preTokenizer.add("pretokenizers", pre);
        root.add("pre_tokenizer", preTokenizer);
        root.add("post_processor", bosTemplate("<|begin_of_text|>", LLAMA_BOS_ID));
        root.add("decoder", ClipTokenizerJson.byteLevel(true));
        root.add("model", ClipTokenizerJson.bpeModel(vocab, LLAMA_MERGES, null, null, null));
        return GSON.toJson(root);
    }

    /** Writes a CLIP {@code tokenizer.json} (converted from the tiny vocab and merges) into {@code dir}. */
    public static void writeClip(Path dir) {
        writeFile(dir.resolve("tokenizer.json"), clipJson());
        writeFile(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"CLIPTokenizer\","
                + " \"pad_token\": \"" + CLIP_PAD_TOKEN + "\"}");
    }

    /** The tiny CLIP tokenizer's {@code tokenizer.json} text (converted from the tiny vocab and merges). */
    public static String clipJson() {
        return ClipTokenizerJson.build(clipVocab(), CLIP_MERGES, ClipTokenizerJson.Specials.defaults(),
                "tiny CLIP vocab");
    }

    /** Writes the tiny CLIP tokenizer as the slow tokenizer's {@code vocab.json} + {@code merges.txt}. */
    public static void writeClipVocabAndMerges(Path dir) {
        writeFile(dir.resolve("vocab.json"), GSON.toJson(clipVocab()));
        List<String> lines = new ArrayList<>();
        lines.add("#version: 0.2");
        lines.addAll(CLIP_MERGES);
        writeFile(dir.resolve("merges.txt"), String.join("\n", lines) + "\n");
    }

    private static JsonObject clipVocab() {
        JsonObject vocab = byteVocab(false);
        JsonObject withSuffix = byteVocab(true);
        withSuffix.keySet().forEach(k -> vocab.addProperty(k, vocab.size()));
        for (String m : CLIP_MERGES) {
            vocab.addProperty(m.replace(" ", ""), vocab.size());
        }
        vocab.addProperty("<|startoftext|>", vocab.size());
        vocab.addProperty("<|endoftext|>", vocab.size());
        return vocab;
    }

    private static JsonObject byteVocab(boolean endOfWord) {
        JsonObject vocab = new JsonObject();
        for (int b = 0; b < 256; b++) {
            vocab.addProperty(ByteLevel.symbol(b) + (endOfWord ? "</w>" : ""), b);
        }
        return vocab;
    }

    private static JsonObject bosTemplate(String bos, int bosId) {
        JsonObject special = TemplateProcessingJson.specialToken(bos, 0);
        JsonObject seqA = TemplateProcessingJson.sequence("A", 0);
        JsonArray single = new JsonArray();
        single.add(special);
        single.add(seqA);
        JsonArray pair = new JsonArray();
        pair.add(special);
        pair.add(seqA);
        pair.add(special);
        pair.add(TemplateProcessingJson.sequence("B", 1));
        return TemplateProcessingJson.templateProcessing(single, pair, java.util.Map.of(bos, bosId));
    }

    private static void writeFile(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
