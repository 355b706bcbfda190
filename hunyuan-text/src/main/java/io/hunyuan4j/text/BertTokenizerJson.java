package io.hunyuan4j.text;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@code tokenizer.json} of a fast BERT tokenizer from the slow tokenizer's {@code vocab.txt} (one token
 * per line, the id is the line number) and its {@code tokenizer_config.json} options, the way transformers
 * converts {@code BertTokenizer} to {@code BertTokenizerFast}: {@code BertNormalizer} (clean text, spaces around
 * CJK characters so each becomes a word, optional lower-casing and accent stripping), {@code BertPreTokenizer},
 * WordPiece with {@code ##} continuations, {@code [CLS] ... [SEP]} around every sequence. HunyuanDiT's
 * {@code tokenizer/} is such a folder.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/convert_slow_tokenizer.py">transformers BertConverter</a>
 */
final class BertTokenizerJson {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private BertTokenizerJson() {}

    /** The slow tokenizer's options ({@code BertTokenizer.__init__} defaults when absent). */
    record Options(boolean doLowerCase, boolean tokenizeChineseChars, JsonElement stripAccents, String unk,
            String cls, String sep, String pad, String mask) {

        static Options from(JsonObject config, JsonObject specialMap) {
            return new Options(bool(config, "do_lower_case", true), bool(config, "tokenize_chinese_chars", true),
                    config.has("strip_accents") ? config.get("strip_accents") : JsonNull.INSTANCE,
                    token("unk_token", "[UNK]", config, specialMap), token("cls_token", "[CLS]", config, specialMap),
                    token("sep_token", "[SEP]", config, specialMap), token("pad_token", "[PAD]", config, specialMap),
                    token("mask_token", "[MASK]", config, specialMap));
        }

        private static boolean bool(JsonObject o, String key, boolean def) {
            JsonElement e = o.get(key);
            return e == null || e.isJsonNull() ? def : e.getAsBoolean();
        }

        private static String token(String key, String def, JsonObject config, JsonObject map) {
            for (JsonObject o : List.of(config, map)) {
                JsonElement e = o.get(key);
                if (e != null && e.isJsonPrimitive()) {
                    return e.getAsString();
                }
                if (e != null && e.isJsonObject() && e.getAsJsonObject().has("content")) {
                    return e.getAsJsonObject().get("content").getAsString();
                }
            }
            return def;
        }
    }

    /**
     * Reads {@code vocab.txt} and returns the tokenizer.json text.
     *
     * @throws TokenizerException if the file is unreadable, empty, or lacks a special token the options name
     */
    static String build(Path vocabTxt, Options options) {
        List<String> lines;
        try {
            lines = Files.readAllLines(vocabTxt, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException(vocabTxt + ": cannot read: " + e.getMessage(), e);
        }
        JsonObject vocab = new JsonObject();
        for (int i = 0; i < lines.size(); i++) {
            // transformers load_vocab: token = line.rstrip("\n"); a repeated token keeps its last id
            vocab.addProperty(lines.get(i), i);
        }
        if (vocab.size() == 0) {
            throw new TokenizerException(vocabTxt + ": empty vocabulary");
        }
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        JsonArray added = new JsonArray();
        for (String s : List.of(options.pad(), options.unk(), options.cls(), options.sep(), options.mask())) {
            if (!vocab.has(s)) {
                throw new TokenizerException(vocabTxt + ": special token " + s + " is not in the vocabulary");
            }
            added.add(TemplateProcessingJson.addedToken(vocab.get(s).getAsInt(), s, true));
        }
        root.add("added_tokens", added);
        JsonObject normalizer = new JsonObject();
        normalizer.addProperty("type", "BertNormalizer");
        normalizer.addProperty("clean_text", true);
        normalizer.addProperty("handle_chinese_chars", options.tokenizeChineseChars());
        normalizer.add("strip_accents", options.stripAccents());
        normalizer.addProperty("lowercase", options.doLowerCase());
        root.add("normalizer", normalizer);
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "BertPreTokenizer");
        root.add("pre_tokenizer", pre);
        root.add("post_processor", template(options.cls(), vocab.get(options.cls()).getAsLong(), options.sep(),
                vocab.get(options.sep()).getAsLong()));
        JsonObject decoder = new JsonObject();
        decoder.addProperty("type", "WordPiece");
        decoder.addProperty("prefix", "##");
        decoder.addProperty("cleanup", true);
        root.add("decoder", decoder);
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordPiece");
        model.addProperty("unk_token", options.unk());
        model.addProperty("continuing_subword_prefix", "##");
        model.addProperty("max_input_chars_per_word", 100);
        model.add("vocab", vocab);
        root.add("model", model);
        return GSON.toJson(root);
    }

    /** {@code [CLS]:0 $A:0 [SEP]:0}. */
    private static JsonObject template(String cls, long clsId, String sep, long sepId) {
        JsonArray single = new JsonArray();
        single.add(TemplateProcessingJson.specialToken(cls, 0));
        single.add(TemplateProcessingJson.sequence("A", 0));
        single.add(TemplateProcessingJson.specialToken(sep, 0));
        JsonArray pair = single.deepCopy();
        pair.add(TemplateProcessingJson.sequence("B", 1));
        pair.add(TemplateProcessingJson.specialToken(sep, 0));
        Map<String, Long> specials = new LinkedHashMap<>();
        specials.put(cls, clsId);
        specials.put(sep, sepId);
        return TemplateProcessingJson.templateProcessing(single, pair, specials);
    }
}
