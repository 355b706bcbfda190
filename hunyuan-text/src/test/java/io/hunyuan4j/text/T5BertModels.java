package io.hunyuan4j.text;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.weights.InMemoryTensors;
import io.hunyuan4j.core.weights.SafetensorsFile;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import io.hunyuan4j.core.weights.TensorSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tiny diffusers-layout CogVideoX and HunyuanDiT text folders for prompt-encoder tests, built from the public golden
 * fixtures' tiny encoders (their configs and weights) and the tokenizers {@link TinyUnigramWordPiece} writes.
 */
public final class T5BertModels {

    private T5BertModels() {}

    private static Path fixture(String family, String component) {
        String root = System.getProperty("hunyuan.golden." + family);
        if (root == null) {
            throw new IllegalStateException("system property hunyuan.golden." + family + " is not set");
        }
        return Path.of(root).resolve(component);
    }

    /** {@code text_encoder/} (the text_t5 fixture's T5) and {@code tokenizer/} (Unigram) under {@code dir}. */
    public static Path cogVideoX(Path dir) {
        copyEncoder(fixture("cogvideox", "text_t5"), dir.resolve("text_encoder"));
        TinyUnigramWordPiece.writeUnigram(dir.resolve("tokenizer"));
        return dir;
    }

    /**
     * {@code text_encoder/} (the text_bert fixture's BERT widths with 80 positions, so that the pipeline's 77 fit;
     * random weights), {@code text_encoder_2/} (the text_mt5 fixture's mT5), {@code tokenizer/} (WordPiece),
     * {@code tokenizer_2/} (Unigram).
     */
    public static Path hunyuanDiT(Path dir) {
        Path bert = fixture("hunyuandit", "text_bert");
        JsonObject config = readJson(bert.resolve("config.json"));
        config.addProperty("max_position_embeddings", 80);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        try (TensorSource w = SafetensorsFile.open(bert.resolve("weights.safetensors"))) {
            for (String n : w.names()) {
                shapes.put(n, w.info(n).shape());
            }
        }
        shapes.put("embeddings.position_embeddings.weight", new Shape(80, config.get("hidden_size").getAsLong()));
        writeJson(dir.resolve("text_encoder/config.json"), config);
        new SafetensorsWriter().addAll(InMemoryTensors.builder().seed(17).randomLike(shapes).build()).write(dir.resolve("text_encoder/model.safetensors"));
        copyEncoder(fixture("hunyuandit", "text_mt5"), dir.resolve("text_encoder_2"));
        TinyUnigramWordPiece.writeWordPiece(dir.resolve("tokenizer"));
        TinyUnigramWordPiece.writeUnigram(dir.resolve("tokenizer_2"));
        return dir;
    }

    private static void copyEncoder(Path fixture, Path to) {
        try {
            Files.createDirectories(to);
            Files.copy(fixture.resolve("config.json"), to.resolve("config.json"));
            Files.copy(fixture.resolve("weights.safetensors"), to.resolve("model.safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonObject readJson(Path p) {
        try {
            return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeJson(Path p, JsonObject o) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, o.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
