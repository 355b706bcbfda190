package io.hunyuan4j.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face fast tokenizer read from local files only (DJL's tokenizers binding; its native library comes
 * from the jar), with the reference's truncation and right padding done here so that the number of cut tokens
 * is known.
 *
 * <p>A folder is read as {@code tokenizer.json}, or else converted as transformers converts a slow tokenizer to
 * its fast form: {@code vocab.txt} of a BERT tokenizer, {@code spiece.model} of a T5 / mT5 tokenizer, or
 * {@code vocab.json} + {@code merges.txt} of a CLIP tokenizer. The pad token comes
 * from {@code tokenizer_config.json} or {@code special_tokens_map.json}.
 *
 * <p>Truncation follows {@code tokenizers}: the text's tokens are cut to {@code maxLength} minus the special
 * tokens the post-processor adds (BOS for Llama 3, start/end for CLIP), then those are added.
 *
 * @see <a href="https://github.com/huggingface/tokenizers/blob/v0.21.0/tokenizers/src/tokenizer/mod.rs">tokenizers TokenizerImpl::post_process</a>
 */
public final class TextTokenizer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TextTokenizer.class);

    /** Cut tokens {@link #truncatedText} decodes. */
    public static final int MAX_REPORTED_TOKENS = 40;
    /** Characters {@link #truncatedText} keeps of them. */
    static final int MAX_REPORTED_CHARS = 400;

    private final HuggingFaceTokenizer tokenizer;
    private final String source;
    private final long[] prefix;
    private final long[] suffix;
    private final long padId;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, String source, @Nullable String padToken) {
        this.tokenizer = tokenizer;
        this.source = source;
        long[] specials = tokenizer.encode("", true, false).getIds();
        long[] content = tokenizer.encode("a", false, false).getIds();
        long[] full = tokenizer.encode("a", true, false).getIds();
        int k = splitPoint(specials, content, full);
        if (k < 0) {
            tokenizer.close();
            throw new TokenizerException(source + ": unsupported post-processor: special tokens "
                    + Arrays.toString(specials) + " are not added around the text as a prefix and a suffix");
        }
        this.prefix = Arrays.copyOfRange(specials, 0, k);
        this.suffix = Arrays.copyOfRange(specials, k, specials.length);
        this.padId = padToken == null ? 0 : singleId(padToken);
        if (padToken == null) {
            LOG.debug("{}: no pad token configured; padding with id 0 (padded positions are masked)", source);
        }
    }

    /**
     * Reads a tokenizer folder ({@code tokenizer/} or {@code tokenizer_2/} of the diffusers layout).
     *
     * @throws TokenizerException if the folder, {@code tokenizer.json} or {@code vocab.json}/{@code merges.txt}
     *     is missing or malformed; the message names the file
     */
    public static TextTokenizer load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new TokenizerException("tokenizer folder " + dir + " does not exist");
        }
        JsonObject config = readOptionalJson(dir.resolve("tokenizer_config.json"));
        JsonObject specialMap = readOptionalJson(dir.resolve("special_tokens_map.json"));
        String padToken = special("pad_token", config, specialMap);
        Path json = dir.resolve("tokenizer.json");
        if (Files.isRegularFile(json)) {
            String text = readText(json);
            JsonObject root = parseObject(json, text);
            if (padToken == null && root.has("padding") && root.get("padding").isJsonObject()) {
                JsonElement p = root.getAsJsonObject("padding").get("pad_token");
                padToken = p != null && p.isJsonPrimitive() ? p.getAsString() : null;
            }
            warnIfLeftPadding(dir, config);
            return fromJson(text, json.toString(), padToken);
        }
        Path vocabTxt = dir.resolve("vocab.txt");
        if (Files.isRegularFile(vocabTxt)) {
            String cls = config.has("tokenizer_class") ? config.get("tokenizer_class").getAsString() : "BertTokenizer";
            if (!cls.startsWith("BertTokenizer")) {
                throw new TokenizerException(dir.resolve("tokenizer_config.json") + ": tokenizer_class " + cls
                        + " has no tokenizer.json; only BertTokenizer can be built from vocab.txt");
            }
            BertTokenizerJson.Options o = BertTokenizerJson.Options.from(config, specialMap);
            return fromJson(BertTokenizerJson.build(vocabTxt, o), vocabTxt.toString(),
                    padToken != null ? padToken : o.pad());
        }
        Path spiece = dir.resolve("spiece.model");
        if (Files.isRegularFile(spiece)) {
            String cls = config.has("tokenizer_class") ? config.get("tokenizer_class").getAsString() : "T5Tokenizer";
            if (!cls.startsWith("T5Tokenizer") && !cls.startsWith("MT5Tokenizer")) {
                throw new TokenizerException(dir.resolve("tokenizer_config.json") + ": tokenizer_class " + cls
                        + " has no tokenizer.json; only T5Tokenizer can be built from spiece.model");
            }
            // T5Tokenizer.__init__(extra_ids=100)
            int extraIds = config.has("extra_ids") ? config.get("extra_ids").getAsInt() : 100;
            String eos = orDefault(special("eos_token", config, specialMap), "</s>");
            return fromJson(SentencePieceTokenizerJson.buildT5(spiece, extraIds, eos), spiece.toString(),
                    padToken != null ? padToken : "<pad>");
        }
        Path vocab = dir.resolve("vocab.json");
        Path merges = dir.resolve("merges.txt");
        if (Files.isRegularFile(vocab) && Files.isRegularFile(merges)) {
            String cls = config.has("tokenizer_class") ? config.get("tokenizer_class").getAsString() : "CLIPTokenizer";
            if (!cls.startsWith("CLIPTokenizer")) {
                throw new TokenizerException(dir.resolve("tokenizer_config.json") + ": tokenizer_class " + cls
                        + " has no tokenizer.json; only CLIPTokenizer can be built from vocab.json + merges.txt");
            }
            ClipTokenizerJson.Specials d = ClipTokenizerJson.Specials.defaults();
            var specials = new ClipTokenizerJson.Specials(
                    orDefault(special("bos_token", config, specialMap), d.bos()),
                    orDefault(special("eos_token", config, specialMap), d.eos()),
                    orDefault(special("unk_token", config, specialMap), d.unk()));
            String built = ClipTokenizerJson.build(vocab, merges, specials);
            return fromJson(built, vocab + " + merges.txt",
                    padToken != null ? padToken : specials.eos());
        }
        throw new TokenizerException(dir + ": no tokenizer file: expected " + json + ", " + vocabTxt + " (BERT), "
                + spiece + " (T5), or " + vocab + " and " + merges + " (CLIP)"
                + (Files.isRegularFile(vocab) ? " (merges.txt is missing)"
                : Files.isRegularFile(merges) ? " (vocab.json is missing)" : ""));
    }

    /**
     * Builds a tokenizer from {@code tokenizer.json} text.
     *
     * @param source names the text in messages (usually its file)
     * @param padToken the padding token, or null to pad with id 0
     * @throws TokenizerException if the text is not a tokenizer the native library accepts
     */
    public static TextTokenizer fromJson(String json, String source, @Nullable String padToken) {
        JsonObject root = parseObject(source, json);
        // DJL's tokenizer factory probes a telemetry endpoint unless offline=true
        io.hunyuan4j.core.runtime.Offline.ensure();
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException(source + ": not a valid tokenizer.json: " + e.getMessage(), e);
        }
        try {
            requireModel(source, root); // after the native parse, which names unknown model types
        } catch (TokenizerException e) {
            hf.close();
            throw e;
        }
        TextTokenizer t = new TextTokenizer(hf, source, padToken);
        if (t.content("a").length == 0) {
            t.close();
            throw new TokenizerException(source + ": the tokenizer encodes the text \"a\" to no token at all;"
                    + " its vocabulary cannot tokenize prompts");
        }
        return t;
    }

    /**
     * The native library accepts a tokenizer whose vocabulary (or BPE merge list) is empty and then turns every
     * prompt into nothing, so the pipeline would run on padding alone: refuse it here.
     */
    private static void requireModel(String source, JsonObject root) {
        JsonElement model = root.get("model");
        if (model == null || !model.isJsonObject()) {
            throw new TokenizerException(source + ": malformed tokenizer file: no \"model\" object");
        }
        JsonObject m = model.getAsJsonObject();
        JsonElement vocab = m.get("vocab");
        boolean emptyVocab = vocab == null || vocab.isJsonNull()
                || (vocab.isJsonObject() && vocab.getAsJsonObject().size() == 0)
                || (vocab.isJsonArray() && vocab.getAsJsonArray().isEmpty());
        if (emptyVocab) {
            throw new TokenizerException(source + ": model.vocab is empty; expected the tokenizer's vocabulary");
        }
        JsonElement type = m.get("type");
        JsonElement merges = m.get("merges");
        boolean bpe = type != null && type.isJsonPrimitive() && "BPE".equals(type.getAsString());
        if (bpe && (merges == null || !merges.isJsonArray() || merges.getAsJsonArray().isEmpty())) {
            throw new TokenizerException(source + ": model.merges of the BPE model is empty; expected its merge"
                    + " list");
        }
    }

    /** Token ids with the special tokens, untruncated. */
    public long[] encode(String text) {
        return concat(prefix, content(text), suffix);
    }

    /** Number of tokens {@code text} takes with the special tokens. */
    public int countTokens(String text) {
        return prefix.length + content(text).length + suffix.length;
    }

    /**
     * Tokenizes a batch as {@code tokenizer(texts, padding="max_length", max_length=maxLength, truncation=True)}.
     *
     * @throws IllegalArgumentException if {@code maxLength} cannot hold the special tokens
     */
    public TokenizedBatch batch(List<String> texts, int maxLength) {
        int specials = prefix.length + suffix.length;
        if (maxLength < specials) {
            throw new IllegalArgumentException("maxLength must be >= " + specials + " (the special tokens of "
                    + source + ") but is " + maxLength);
        }
        int keep = maxLength - specials;
        long[][] ids = new long[texts.size()][];
        long[][] mask = new long[texts.size()][];
        int[] truncated = new int[texts.size()];
        for (int b = 0; b < texts.size(); b++) {
            long[] content = content(texts.get(b));
            truncated[b] = Math.max(0, content.length - keep);
            long[] row = concat(prefix, Arrays.copyOf(content, Math.min(keep, content.length)), suffix);
            ids[b] = Arrays.copyOf(row, maxLength);
            Arrays.fill(ids[b], row.length, maxLength, padId);
            mask[b] = new long[maxLength];
            Arrays.fill(mask[b], 0, row.length, 1L);
        }
        return new TokenizedBatch(ids, mask, truncated);
    }

    /**
     * The tokens {@code text} loses when cut to {@code maxLength}, decoded, for warnings: at most
     * {@link #MAX_REPORTED_TOKENS} of them, then {@code " ... (+N more tokens)"}, so a 100 KB prompt does not end
     * up whole in a log line.
     */
    public String truncatedText(String text, int maxLength) {
        long[] content = content(text);
        int keep = Math.max(0, maxLength - prefix.length - suffix.length);
        if (keep >= content.length) {
            return "";
        }
        int end = (int) Math.min(content.length, (long) keep + MAX_REPORTED_TOKENS);
        String shown = tokenizer.decode(Arrays.copyOfRange(content, keep, end), true)
                .replace("</w>", " ").strip(); // CLIP end-of-word marks, for readable warnings
        if (shown.length() > MAX_REPORTED_CHARS) {
            shown = shown.substring(0, MAX_REPORTED_CHARS);
        }
        return end == content.length ? shown : shown + " ... (+" + (content.length - end) + " more tokens)";
    }

    /** Decodes ids, dropping special tokens. */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    /** The id of a token that encodes to exactly one id (a special or added token). */
    public long singleId(String token) {
        long[] ids = tokenizer.encode(token, false, false).getIds();
        if (ids.length != 1) {
            throw new TokenizerException(source + ": token \"" + token + "\" is not a single token of the vocabulary"
                    + " (encodes to " + Arrays.toString(ids) + ")");
        }
        return ids[0];
    }

    /** Special tokens the post-processor adds before the text. */
    public long[] prefixTokens() {
        return prefix.clone();
    }

    /** Special tokens the post-processor adds after the text. */
    public long[] suffixTokens() {
        return suffix.clone();
    }

    /** The padding id. */
    public long padId() {
        return padId;
    }

    /** Where this tokenizer was read from. */
    public String source() {
        return source;
    }

    /** Frees the native tokenizer. */
    @Override
    public void close() {
        tokenizer.close();
    }

    private long[] content(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    private static int splitPoint(long[] specials, long[] content, long[] full) {
        if (full.length != specials.length + content.length) {
            return -1;
        }
        for (int k = 0; k <= specials.length; k++) {
            long[] candidate = concat(Arrays.copyOfRange(specials, 0, k), content,
                    Arrays.copyOfRange(specials, k, specials.length));
            if (Arrays.equals(candidate, full)) {
                return k;
            }
        }
        return -1;
    }

    private static long[] concat(long[] a, long[] b, long[] c) {
        long[] r = new long[a.length + b.length + c.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        System.arraycopy(c, 0, r, a.length + b.length, c.length);
        return r;
    }

    private static void warnIfLeftPadding(Path dir, JsonObject config) {
        JsonElement side = config.get("padding_side");
        if (side != null && side.isJsonPrimitive() && "left".equals(side.getAsString())) {
            // DIVERGENCE: the pipeline's crop of the template and the DiT's mask (built from its sum) both
            // assume trailing padding, so this SDK always pads on the right.
            LOG.warn("{}: tokenizer_config.json asks for left padding; padding on the right as the pipeline needs",
                    dir);
        }
    }

    private static @Nullable String special(String key, JsonObject config, JsonObject map) {
        for (JsonObject o : List.of(config, map)) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                continue;
            }
            if (e.isJsonPrimitive()) {
                return e.getAsString();
            }
            if (e.isJsonObject() && e.getAsJsonObject().has("content")) {
                return e.getAsJsonObject().get("content").getAsString();
            }
        }
        return null;
    }

    private static String orDefault(@Nullable String v, String d) {
        return v == null ? d : v;
    }

    private static JsonObject readOptionalJson(Path file) {
        return Files.isRegularFile(file) ? parseObject(file, readText(file)) : new JsonObject();
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new TokenizerException(file + ": malformed tokenizer file: not valid UTF-8 (" + e + ")", e);
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static JsonObject parseObject(Object source, String text) {
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) {
                throw new TokenizerException(source + ": malformed tokenizer file: expected a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new TokenizerException(source + ": malformed tokenizer file: " + e.getMessage(), e);
        }
    }
}
