package io.hunyuan4j.text;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Map;

/**
 * The pieces of a {@code tokenizer.json} that the converters of slow tokenizers ({@link BertTokenizerJson},
 * {@link SentencePieceTokenizerJson}, {@link ClipTokenizerJson}, {@link TinyTokenizers}) all write: the
 * {@code TemplateProcessing} post-processor with its {@code Sequence} and {@code SpecialToken} pieces, and the
 * {@code added_tokens} entries, in the field order the tokenizers library serialises them.
 *
 * @see <a href="https://github.com/huggingface/tokenizers/blob/v0.21.0/tokenizers/src/processors/template.rs">tokenizers TemplateProcessing</a>
 */
final class TemplateProcessingJson {

    private TemplateProcessingJson() {}

    /** {@code {"Sequence": {"id": id, "type_id": typeId}}}: the input sequence {@code $A} or {@code $B}. */
    static JsonObject sequence(String id, int typeId) {
        return piece("Sequence", id, typeId);
    }

    /** {@code {"SpecialToken": {"id": id, "type_id": typeId}}}. */
    static JsonObject specialToken(String id, int typeId) {
        return piece("SpecialToken", id, typeId);
    }

    private static JsonObject piece(String kind, String id, int typeId) {
        JsonObject o = new JsonObject();
        JsonObject s = new JsonObject();
        s.addProperty("id", id);
        s.addProperty("type_id", typeId);
        o.add(kind, s);
        return o;
    }

    /**
     * The {@code TemplateProcessing} post-processor.
     *
     * @param specials each special token of the templates and its id, in the order written
     */
    static JsonObject templateProcessing(JsonArray single, JsonArray pair, Map<String, ? extends Number> specials) {
        JsonObject specialTokens = new JsonObject();
        for (Map.Entry<String, ? extends Number> e : specials.entrySet()) {
            JsonObject s = new JsonObject();
            s.addProperty("id", e.getKey());
            JsonArray ids = new JsonArray();
            ids.add(e.getValue());
            s.add("ids", ids);
            JsonArray tokens = new JsonArray();
            tokens.add(e.getKey());
            s.add("tokens", tokens);
            specialTokens.add(e.getKey(), s);
        }
        JsonObject p = new JsonObject();
        p.addProperty("type", "TemplateProcessing");
        p.add("single", single);
        p.add("pair", pair);
        p.add("special_tokens", specialTokens);
        return p;
    }

    /** An {@code added_tokens} entry: matched whole, never normalised or stripped. */
    static JsonObject addedToken(long id, String content, boolean special) {
        JsonObject t = new JsonObject();
        t.addProperty("id", id);
        t.addProperty("content", content);
        t.addProperty("single_word", false);
        t.addProperty("lstrip", false);
        t.addProperty("rstrip", false);
        t.addProperty("normalized", false);
        t.addProperty("special", special);
        return t;
    }
}
