package io.hunyuan4j.text;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@code tokenizer.json} of a fast CLIP tokenizer from the slow tokenizer's {@code vocab.json} and
 * {@code merges.txt}, the way transformers converts {@code CLIPTokenizer} to {@code CLIPTokenizerFast}: NFC,
 * whitespace runs to one space, lowercase; CLIP's word regex then byte-level; BPE with the {@code </w>}
 * end-of-word suffix; {@code <|startoftext|> ... <|endoftext|>} around every sequence.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/convert_slow_tokenizer.py">transformers CLIPConverter</a>
 */
final class ClipTokenizerJson {

    /** CLIP's word pattern (transformers {@code CLIPConverter}). */
    static final String CLIP_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

    /**
     * The slow tokenizer reads at most this many merges: {@code merges[1 : 49152 - 256 - 2 + 1]} in
     * transformers {@code CLIPTokenizer.__init__} (the first line is the {@code #version} header).
     */
    static final int MAX_MERGES = 49152 - 256 - 2;

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private ClipTokenizerJson() {}

    /** Special tokens of a CLIP tokenizer. */
    record Specials(String bos, String eos, String unk) {
        static Specials defaults() {
            return new Specials("<|startoftext|>", "<|endoftext|>", "<|endoftext|>");
        }
    }

    /**
     * Reads both files and returns the tokenizer.json text.
     *
     * @throws TokenizerException naming the file that is unreadable or malformed
     */
    static String build(Path vocabJson, Path mergesTxt, Specials specials) {
        JsonObject vocab = readVocab(vocabJson);
        List<String> merges = readMerges(mergesTxt);
        return build(vocab, merges, specials, vocabJson);
    }

    static String build(JsonObject vocab, List<String> merges, Specials specials, Object where) {
        int bosId = id(vocab, specials.bos(), where);
        int eosId = id(vocab, specials.eos(), where);
        id(vocab, specials.unk(), where);
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        JsonArray added = new JsonArray();
        added.add(TemplateProcessingJson.addedToken(bosId, specials.bos(), true));
        if (eosId != bosId) {
            added.add(TemplateProcessingJson.addedToken(eosId, specials.eos(), true));
        }
        root.add("added_tokens", added);

        JsonArray norms = new JsonArray();
        norms.add(type("NFC"));
        JsonObject replace = type("Replace");
        replace.add("pattern", regex("\\s+"));
        replace.addProperty("content", " ");
        norms.add(replace);
        norms.add(type("Lowercase"));
        JsonObject normalizer = type("Sequence");
        normalizer.add("normalizers", norms);
        root.add("normalizer", normalizer);

        JsonObject split = type("Split");
        split.add("pattern", regex(CLIP_PATTERN));
        split.addProperty("behavior", "Removed");
        split.addProperty("invert", true);
        JsonArray pre = new JsonArray();
        pre.add(split);
        pre.add(byteLevel(true));
        JsonObject preTokenizer = type("Sequence");
        preTokenizer.add("pretokenizers", pre);
        root.add("pre_tokenizer", preTokenizer);

        JsonObject post = type("RobertaProcessing");
        post.add("sep", pair(specials.eos(), eosId));
        post.add("cls", pair(specials.bos(), bosId));
        post.addProperty("trim_offsets", false);
        post.addProperty("add_prefix_space", false);
        root.add("post_processor", post);
        root.add("decoder", byteLevel(true));

        root.add("model", bpeModel(vocab, merges, specials.unk(), "", "</w>"));
        return GSON.toJson(root);
    }

    private static JsonObject readVocab(Path file) {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new TokenizerException(file + ": vocab.json must be a JSON object {token: id}");
            }
            for (Map.Entry<String, JsonElement> t : e.getAsJsonObject().entrySet()) {
                if (!t.getValue().isJsonPrimitive() || !t.getValue().getAsJsonPrimitive().isNumber()) {
                    throw new TokenizerException(file + ": vocab.json entry \"" + t.getKey()
                            + "\" must map to an integer id but is " + t.getValue());
                }
            }
            return e.getAsJsonObject();
        } catch (IOException ex) {
            throw new TokenizerException(file + ": cannot read vocab.json: " + ex.getMessage(), ex);
        } catch (com.google.gson.JsonParseException ex) {
            throw new TokenizerException(file + ": malformed vocab.json: " + ex.getMessage(), ex);
        }
    }

    private static List<String> readMerges(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new TokenizerException(file + ": cannot read merges.txt: " + ex.getMessage(), ex);
        }
        List<String> merges = new ArrayList<>();
        for (int i = 0; i < lines.size() && merges.size() < MAX_MERGES; i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) {
                continue;
            }
            if (line.split(" ").length != 2) {
                throw new TokenizerException(file + ": line " + (i + 1) + " of merges.txt must hold two tokens"
                        + " separated by one space but is \"" + line + "\"");
            }
            merges.add(line);
        }
        if (merges.isEmpty()) {
            throw new TokenizerException(file + ": merges.txt holds no merges");
        }
        return merges;
    }

    private static int id(JsonObject vocab, String token, Object where) {
        JsonElement e = vocab.get(token);
        if (e == null) {
            throw new TokenizerException(where + ": special token \"" + token + "\" is not in vocab.json");
        }
        return e.getAsInt();
    }

    /**
     * The {@code model} object of a BPE tokenizer.json; null strings are written as JSON null, as the
     * tokenizers library does for unset options.
     */
    static JsonObject bpeModel(JsonObject vocab, List<String> merges, @Nullable String unkToken,
            @Nullable String continuingSubwordPrefix, @Nullable String endOfWordSuffix) {
        JsonObject model = type("BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.add("unk_token", stringOrNull(unkToken));
        model.add("continuing_subword_prefix", stringOrNull(continuingSubwordPrefix));
        model.add("end_of_word_suffix", stringOrNull(endOfWordSuffix));
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.add("vocab", vocab);
        JsonArray m = new JsonArray();
        merges.forEach(m::add);
        model.add("merges", m);
        return model;
    }

    private static JsonElement stringOrNull(@Nullable String s) {
        return s == null ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(s);
    }

    static JsonObject type(String type) {
        JsonObject o = new JsonObject();
        o.addProperty("type", type);
        return o;
    }

    static JsonObject regex(String pattern) {
        JsonObject o = new JsonObject();
        o.addProperty("Regex", pattern);
        return o;
    }

    static JsonObject byteLevel(boolean useRegex) {
        JsonObject b = type("ByteLevel");
        b.addProperty("add_prefix_space", false);
        b.addProperty("trim_offsets", true);
        b.addProperty("use_regex", useRegex);
        return b;
    }

    private static JsonArray pair(String token, int id) {
        JsonArray a = new JsonArray();
        a.add(token);
        a.add(id);
        return a;
    }
}
