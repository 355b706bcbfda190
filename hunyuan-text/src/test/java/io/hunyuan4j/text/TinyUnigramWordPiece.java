package io.hunyuan4j.text;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiny tokenizer folders in the shapes the T5 / mT5 (SentencePiece Unigram, {@code ▁} word starts, {@code </s>}
 * appended, {@code <pad>} = 0) and the Chinese BERT (WordPiece, CJK characters split one per token,
 * {@code [CLS] ... [SEP]}, {@code [PAD]} = 0) tokenizers of CogVideoX and HunyuanDiT have, written as
 * {@code tokenizer.json} + {@code tokenizer_config.json}.
 */
public final class TinyUnigramWordPiece {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create();

    /** Unigram pieces after the 3 specials (ids 3, 4, ...), with their log-probabilities. */
    static final Map<String, Double> UNIGRAM_PIECES = pieces();
    /** The Unigram specials: {@code <pad>} 0, {@code </s>} 1, {@code <unk>} 2 (T5's ids). */
    static final List<String> UNIGRAM_SPECIALS = List.of("<pad>", "</s>", "<unk>");

    /** WordPiece tokens after id 104 (ids 104, 105, ...). */
    static final List<String> WORDPIECE_WORDS = List.of("a", "cat", "dog", "the", "on", "sits", "mat", "##s", "red",
            "我", "爱", "猫", "一", "只", "在", "上", "，", "。", ",", ".", "blue", "##dish");

    private TinyUnigramWordPiece() {}

    private static Map<String, Double> pieces() {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("▁", -3.0);
        p.put("▁a", -2.0);
        p.put("▁cat", -2.5);
        p.put("▁the", -2.0);
        p.put("▁sits", -3.5);
        p.put("▁on", -2.5);
        p.put("▁mat", -3.5);
        p.put("s", -3.0);
        p.put("it", -4.0);
        p.put("▁我", -3.0);
        p.put("我", -3.5);
        p.put("爱", -3.5);
        p.put("猫", -3.5);
        p.put("一只", -4.0);
        p.put("一", -4.5);
        p.put("只", -4.5);
        p.put(",", -3.0); // NFKC (like T5's precompiled normalizer) maps the full-width comma here
        p.put("。", -3.0);
        for (char c = 'a'; c <= 'z'; c++) {
            p.put(String.valueOf(c), -6.0);
        }
        return p;
    }

    /** Id of a Unigram piece. */
    public static long unigramId(String piece) {
        int i = 0;
        for (String k : UNIGRAM_PIECES.keySet()) {
            if (k.equals(piece)) {
                return UNIGRAM_SPECIALS.size() + i;
            }
            i++;
        }
        throw new IllegalArgumentException(piece);
    }

    /** Id of a WordPiece token (first occurrence). */
    public static long wordPieceId(String token) {
        int i = WORDPIECE_WORDS.indexOf(token);
        if (i < 0) {
            throw new IllegalArgumentException(token);
        }
        return 104 + i;
    }

    /** Writes a T5-style Unigram {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}. */
    public static void writeUnigram(Path dir) {
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", null);
        root.add("padding", null);
        JsonArray added = new JsonArray();
        for (int i = 0; i < UNIGRAM_SPECIALS.size(); i++) {
            added.add(TemplateProcessingJson.addedToken(i, UNIGRAM_SPECIALS.get(i), true));
        }
        root.add("added_tokens", added);
        JsonObject nfkc = new JsonObject();
        nfkc.addProperty("type", "NFKC");
        root.add("normalizer", nfkc);
        JsonObject ws = new JsonObject();
        ws.addProperty("type", "WhitespaceSplit");
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "Sequence");
        JsonArray pres = new JsonArray();
        pres.add(ws);
        pres.add(SentencePieceTokenizerJson.metaspace());
        pre.add("pretokenizers", pres);
        root.add("pre_tokenizer", pre);
        root.add("post_processor", template(List.of(), List.of("</s>"), Map.of("</s>", 1L)));
        root.add("decoder", SentencePieceTokenizerJson.metaspace());
        JsonObject model = new JsonObject();
        model.addProperty("type", "Unigram");
        model.addProperty("unk_id", 2);
        JsonArray vocab = new JsonArray();
        for (String s : UNIGRAM_SPECIALS) {
            vocab.add(piece(s, 0.0));
        }
        UNIGRAM_PIECES.forEach((k, v) -> vocab.add(piece(k, v)));
        model.add("vocab", vocab);
        model.addProperty("byte_fallback", false);
        root.add("model", model);
        JsonObject config = new JsonObject();
        config.addProperty("tokenizer_class", "T5Tokenizer");
        config.addProperty("pad_token", "<pad>");
        config.addProperty("eos_token", "</s>");
        config.addProperty("unk_token", "<unk>");
        write(dir, root, config);
    }

    /** Writes a Chinese-BERT-style WordPiece {@code tokenizer.json} and {@code tokenizer_config.json}. */
    public static void writeWordPiece(Path dir) {
        Map<String, Long> vocab = new LinkedHashMap<>();
        vocab.put("[PAD]", 0L);
        for (int i = 1; i < 100; i++) {
            vocab.put("[unused" + i + "]", (long) i);
        }
        vocab.put("[UNK]", 100L);
        vocab.put("[CLS]", 101L);
        vocab.put("[SEP]", 102L);
        vocab.put("[MASK]", 103L);
        for (int i = 0; i < WORDPIECE_WORDS.size(); i++) {
            vocab.putIfAbsent(WORDPIECE_WORDS.get(i), 104L + i);
        }
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", null);
        root.add("padding", null);
        JsonArray added = new JsonArray();
        for (String s : List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")) {
            added.add(TemplateProcessingJson.addedToken(vocab.get(s), s, true));
        }
        root.add("added_tokens", added);
        JsonObject norm = new JsonObject();
        norm.addProperty("type", "BertNormalizer");
        norm.addProperty("clean_text", true);
        norm.addProperty("handle_chinese_chars", true);
        norm.add("strip_accents", null);
        norm.addProperty("lowercase", true);
        root.add("normalizer", norm);
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "BertPreTokenizer");
        root.add("pre_tokenizer", pre);
        root.add("post_processor", template(List.of("[CLS]"), List.of("[SEP]"), Map.of("[CLS]", 101L, "[SEP]", 102L)));
        JsonObject dec = new JsonObject();
        dec.addProperty("type", "WordPiece");
        dec.addProperty("prefix", "##");
        dec.addProperty("cleanup", true);
        root.add("decoder", dec);
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordPiece");
        model.addProperty("unk_token", "[UNK]");
        model.addProperty("continuing_subword_prefix", "##");
        model.addProperty("max_input_chars_per_word", 100);
        JsonObject v = new JsonObject();
        vocab.forEach(v::addProperty);
        model.add("vocab", v);
        root.add("model", model);
        JsonObject config = new JsonObject();
        config.addProperty("tokenizer_class", "BertTokenizer");
        config.addProperty("pad_token", "[PAD]");
        config.addProperty("cls_token", "[CLS]");
        config.addProperty("sep_token", "[SEP]");
        config.addProperty("unk_token", "[UNK]");
        config.addProperty("do_lower_case", true);
        write(dir, root, config);
    }

    private static JsonArray piece(String s, double score) {
        JsonArray a = new JsonArray();
        a.add(s);
        a.add(score);
        return a;
    }

    private static JsonObject template(List<String> before, List<String> after, Map<String, Long> ids) {
        JsonArray single = new JsonArray();
        before.forEach(s -> single.add(TemplateProcessingJson.specialToken(s, 0)));
        single.add(TemplateProcessingJson.sequence("A", 0));
        after.forEach(s -> single.add(TemplateProcessingJson.specialToken(s, 0)));
        return TemplateProcessingJson.templateProcessing(single, single.deepCopy(), ids);
    }

    private static void write(Path dir, JsonObject tokenizer, JsonObject config) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), GSON.toJson(tokenizer), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("tokenizer_config.json"), GSON.toJson(config), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
