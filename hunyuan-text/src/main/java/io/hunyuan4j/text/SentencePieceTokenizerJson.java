package io.hunyuan4j.text;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Builds the {@code tokenizer.json} of a fast T5 / mT5 tokenizer from the slow tokenizer's SentencePiece model
 * ({@code spiece.model}, a protobuf {@code ModelProto}), the way transformers converts {@code T5Tokenizer} to
 * {@code T5TokenizerFast}: the Unigram pieces with their scores, then {@code <extra_id_N>} sentinels
 * ({@code extra_ids} of {@code tokenizer_config.json}, 100 by default, highest N first); the model's precompiled
 * normalisation map, right strip, runs of spaces to one {@code ▁}; Metaspace ({@code ▁}, prepended); {@code </s>}
 * after every sequence. CogVideoX's {@code tokenizer/} and HunyuanDiT's {@code tokenizer_2/} are such folders.
 *
 * <p>Only the fields the conversion reads are parsed; the protobuf wire format is read directly (no protobuf
 * dependency).
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/convert_slow_tokenizer.py">transformers SpmConverter, T5Converter</a>
 * @see <a href="https://github.com/google/sentencepiece/blob/v0.2.0/src/sentencepiece_model.proto">sentencepiece_model.proto</a>
 */
final class SentencePieceTokenizerJson {

    /** {@code SentencePiece.Type}: CONTROL pieces (such as {@code <pad>}, {@code </s>}) become special tokens. */
    static final int TYPE_CONTROL = 3;
    /** {@code SentencePiece.Type}: USER_DEFINED pieces become (non-special) added tokens. */
    static final int TYPE_USER_DEFINED = 4;
    /** {@code TrainerSpec.ModelType.UNIGRAM}, the only type T5 uses. */
    static final int UNIGRAM = 1;

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private SentencePieceTokenizerJson() {}

    /** One {@code SentencePiece}: {@code piece} (1), {@code score} (2), {@code type} (3, default NORMAL = 1). */
    record Piece(String piece, float score, int type) { }

    /**
     * What the conversion reads of a {@code ModelProto}.
     *
     * @param pieces {@code pieces} (1)
     * @param modelType {@code trainer_spec.model_type} (2.3, default UNIGRAM)
     * @param unkId {@code trainer_spec.unk_id} (2.40, default 0)
     * @param precompiledCharsmap {@code normalizer_spec.precompiled_charsmap} (3.2), empty if none
     */
    record Model(List<Piece> pieces, int modelType, int unkId, byte[] precompiledCharsmap) { }

    /**
     * Parses a {@code ModelProto}.
     *
     * @throws TokenizerException naming {@code where} if the bytes are not a well-formed message
     */
    static Model parse(byte[] bytes, Object where) {
        try {
            List<Piece> pieces = new ArrayList<>();
            int modelType = UNIGRAM;
            int unkId = 0;
            byte[] charsmap = new byte[0];
            Reader r = new Reader(ByteBuffer.wrap(bytes));
            while (r.more()) {
                long key = r.varint();
                int field = (int) (key >>> 3);
                int wire = (int) (key & 7);
                if (field == 1 && wire == 2) {
                    pieces.add(piece(r.sub()));
                } else if (field == 2 && wire == 2) {
                    Reader t = r.sub();
                    while (t.more()) {
                        long k = t.varint();
                        if (k >>> 3 == 3 && (k & 7) == 0) {
                            modelType = (int) t.varint();
                        } else if (k >>> 3 == 40 && (k & 7) == 0) {
                            unkId = (int) t.varint();
                        } else {
                            t.skip((int) (k & 7));
                        }
                    }
                } else if (field == 3 && wire == 2) {
                    Reader n = r.sub();
                    while (n.more()) {
                        long k = n.varint();
                        if (k >>> 3 == 2 && (k & 7) == 2) {
                            charsmap = n.bytes();
                        } else {
                            n.skip((int) (k & 7));
                        }
                    }
                } else {
                    r.skip(wire);
                }
            }
            return new Model(List.copyOf(pieces), modelType, unkId, charsmap);
        } catch (RuntimeException e) {
            throw new TokenizerException(where + ": not a SentencePiece model: " + e.getMessage(), e);
        }
    }

    private static Piece piece(Reader r) {
        String piece = "";
        float score = 0f;
        int type = 1;
        while (r.more()) {
            long k = r.varint();
            int f = (int) (k >>> 3);
            int w = (int) (k & 7);
            if (f == 1 && w == 2) {
                piece = new String(r.bytes(), StandardCharsets.UTF_8);
            } else if (f == 2 && w == 5) {
                score = r.fixed32();
            } else if (f == 3 && w == 0) {
                type = (int) r.varint();
            } else {
                r.skip(w);
            }
        }
        return new Piece(piece, score, type);
    }

    /**
     * Reads {@code spiece.model} and returns the T5 tokenizer.json text.
     *
     * @param extraIds number of {@code <extra_id_N>} sentinels appended after the pieces
     * @param eosToken the end token the post-processor appends ({@code </s>})
     * @throws TokenizerException if the file is unreadable or malformed, not Unigram, or lacks the end token
     */
    static String buildT5(Path spieceModel, int extraIds, String eosToken) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(spieceModel);
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException(spieceModel + ": cannot read: " + e.getMessage(), e);
        }
        Model m = parse(bytes, spieceModel);
        if (m.modelType() != UNIGRAM) {
            throw new TokenizerException(spieceModel + ": SentencePiece model_type " + m.modelType()
                    + " is not supported; T5 tokenizers are Unigram (1)");
        }
        if (m.pieces().isEmpty()) {
            throw new TokenizerException(spieceModel + ": the SentencePiece model has no pieces");
        }
        JsonArray vocab = new JsonArray();
        JsonArray added = new JsonArray();
        long eosId = -1;
        for (int i = 0; i < m.pieces().size(); i++) {
            Piece p = m.pieces().get(i);
            vocab.add(scored(p.piece(), p.score()));
            if (p.type() == TYPE_CONTROL || p.type() == TYPE_USER_DEFINED) {
                added.add(TemplateProcessingJson.addedToken(i, p.piece(), p.type() == TYPE_CONTROL));
            }
            if (p.piece().equals(eosToken)) {
                eosId = i;
            }
        }
        if (eosId < 0) {
            throw new TokenizerException(spieceModel + ": end token " + eosToken + " is not a piece of the model");
        }
        for (int i = extraIds - 1; i >= 0; i--) {
            String extra = "<extra_id_" + i + ">";
            added.add(TemplateProcessingJson.addedToken(vocab.size(), extra, true));
            vocab.add(scored(extra, 0.0));
        }
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        root.add("added_tokens", added);
        JsonArray normalizers = new JsonArray();
        if (m.precompiledCharsmap().length > 0) {
            JsonObject pre = new JsonObject();
            pre.addProperty("type", "Precompiled");
            pre.addProperty("precompiled_charsmap", Base64.getEncoder().encodeToString(m.precompiledCharsmap()));
            normalizers.add(pre);
        }
        JsonObject strip = new JsonObject();
        strip.addProperty("type", "Strip");
        strip.addProperty("strip_left", false);
        strip.addProperty("strip_right", true);
        normalizers.add(strip);
        JsonObject spaces = new JsonObject();
        spaces.addProperty("type", "Replace");
        JsonObject pattern = new JsonObject();
        pattern.addProperty("Regex", " {2,}");
        spaces.add("pattern", pattern);
        spaces.addProperty("content", "▁");
        normalizers.add(spaces);
        JsonObject normalizer = new JsonObject();
        normalizer.addProperty("type", "Sequence");
        normalizer.add("normalizers", normalizers);
        root.add("normalizer", normalizer);
        root.add("pre_tokenizer", metaspace());
        root.add("post_processor", eosTemplate(eosToken, eosId));
        root.add("decoder", metaspace());
        JsonObject model = new JsonObject();
        model.addProperty("type", "Unigram");
        model.addProperty("unk_id", m.unkId());
        model.add("vocab", vocab);
        model.addProperty("byte_fallback", false);
        root.add("model", model);
        return GSON.toJson(root);
    }

    /** The Metaspace pre-tokenizer and decoder of a T5 (legacy SentencePiece) tokenizer. */
    static JsonObject metaspace() {
        JsonObject o = new JsonObject();
        o.addProperty("type", "Metaspace");
        o.addProperty("replacement", "▁");
        // T5Tokenizer is legacy by default: "always" (transformers _get_prepend_scheme)
        o.addProperty("prepend_scheme", "always");
        o.addProperty("split", true);
        return o;
    }

    /** {@code $A </s>} (and {@code $A </s> $B </s>} for pairs). */
    private static JsonObject eosTemplate(String eos, long eosId) {
        JsonArray single = new JsonArray();
        single.add(TemplateProcessingJson.sequence("A", 0));
        single.add(TemplateProcessingJson.specialToken(eos, 0));
        JsonArray pair = single.deepCopy();
        pair.add(TemplateProcessingJson.sequence("B", 0));
        pair.add(TemplateProcessingJson.specialToken(eos, 0));
        return TemplateProcessingJson.templateProcessing(single, pair, java.util.Map.of(eos, eosId));
    }

    private static JsonArray scored(String piece, double score) {
        JsonArray a = new JsonArray();
        a.add(piece);
        a.add(score);
        return a;
    }

    /** The protobuf wire format: varints, length-delimited fields, fixed 32/64-bit values. */
    private static final class Reader {
        private final ByteBuffer b;

        Reader(ByteBuffer b) {
            this.b = b.order(ByteOrder.LITTLE_ENDIAN);
        }

        boolean more() {
            return b.hasRemaining();
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte x = b.get();
                v |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalStateException("malformed varint");
        }

        float fixed32() {
            return b.getFloat();
        }

        byte[] bytes() {
            long n = varint();
            if (n < 0 || n > b.remaining()) {
                throw new IllegalStateException("length " + n + " exceeds the " + b.remaining() + " bytes left");
            }
            byte[] out = new byte[(int) n];
            b.get(out);
            return out;
        }

        Reader sub() {
            return new Reader(ByteBuffer.wrap(bytes()));
        }

        void skip(int wire) {
            switch (wire) {
                case 0 -> varint();
                case 1 -> b.position(b.position() + 8);
                case 2 -> bytes();
                case 5 -> b.position(b.position() + 4);
                default -> throw new IllegalStateException("unsupported wire type " + wire);
            }
        }
    }
}
