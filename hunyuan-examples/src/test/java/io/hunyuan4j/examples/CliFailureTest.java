package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.HunyuanException;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.pipeline.GenerationCancelledException;
import io.hunyuan4j.testing.TinyModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corrupt model or an unwritable output ends {@code generate} with one line on stderr naming what is wrong and
 * exit 2, before any generation; internal errors exit 1.
 */
class CliFailureTest {

    @TempDir
    Path dir;

    private record Result(int code, String err) { }

    private Result generate(Path model, Path out) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        String[] args = model == null
                ? new String[] {"generate", "--prompt", "a cat", "--out", out.toString()}
                : new String[] {"generate", "--prompt", "a cat", "--model", model.toString(), "--height", "16",
                        "--width", "16", "--frames", "1", "--steps", "1", "--out", out.toString()};
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Cli.run(args, o, new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Result(code, err.toString(StandardCharsets.UTF_8));
    }

    private Path model() throws IOException {
        return TinyModel.writeDiffusersFolder(Files.createDirectories(dir.resolve("model")));
    }

    private void badModel(Path model, String... expected) {
        Path out = dir.resolve("v.png");
        Result r = generate(model, out);
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        for (String e : expected) {
            assertTrue(r.err().contains(e), r.err() + " should name " + e);
        }
        assertFalse(Files.exists(out));
    }

    private static void editJson(Path file, Consumer<JsonObject> edit) throws IOException {
        JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        edit.accept(o);
        Files.writeString(file, o.toString());
    }

    private static Path firstShard(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().findFirst()
                    .orElseThrow();
        }
    }

    @Test
    void truncatedShard() throws IOException {
        Path model = model();
        Path shard = firstShard(model.resolve("transformer"));
        try (FileChannel ch = FileChannel.open(shard, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        badModel(model, shard.getFileName().toString());
    }

    @Test
    void garbageTokenizer() throws IOException {
        Path model = model();
        Path json = model.resolve("tokenizer/tokenizer.json");
        Files.write(json, new byte[] {'{', '"', 'm', 'o', 'd', 0x7f, (byte) 0xc3});
        badModel(model, json.toString(), "not valid UTF-8");
    }

    @Test
    void fifoWeights() throws Exception {
        Path model = model();
        Path vae = model.resolve("vae");
        Files.delete(vae.resolve("diffusion_pytorch_model.safetensors"));
        Path fifo = vae.resolve("diffusion_pytorch_model.safetensors");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(p.waitFor() == 0, "mkfifo unavailable");
        badModel(model, "not a regular file", fifo.toString());
    }

    @Test
    void missingSchedulerConfig() throws IOException {
        Path model = model();
        Files.delete(model.resolve("scheduler/scheduler_config.json"));
        badModel(model, "scheduler_config.json");
    }

    @Test
    void configValuesOutOfBounds() throws IOException {
        Path model = model();
        editJson(model.resolve("transformer/config.json"), o -> o.addProperty("num_layers", 1e9));
        badModel(model, "transformer/config.json", "num_layers");
    }

    @Test
    void negativeRmsNormEps() throws IOException {
        Path model = model();
        editJson(model.resolve("text_encoder/config.json"), o -> o.addProperty("rms_norm_eps", -1e-5));
        badModel(model, "text_encoder/config.json", "rms_norm_eps");
    }

    @Test
    void clipEosTokenOutsideTheVocabulary() throws IOException {
        Path model = model();
        editJson(model.resolve("text_encoder_2/config.json"), o -> o.addProperty("eos_token_id", 1_000_000));
        badModel(model, "text_encoder_2/config.json", "eos_token_id");
    }

    @Test
    void wrongClassInModelIndex() throws IOException {
        Path model = model();
        editJson(model.resolve("model_index.json"), o -> {
            var pair = new com.google.gson.JsonArray();
            pair.add("diffusers");
            pair.add("AutoencoderKL");
            o.add("vae", pair);
        });
        badModel(model, "model_index.json", "\"vae\"");
    }

    @Test
    void emptyTokenizerVocabulary() throws IOException {
        Path model = model();
        editJson(model.resolve("tokenizer/tokenizer.json"), o -> {
            o.getAsJsonObject("model").add("vocab", new JsonObject());
            o.getAsJsonObject("model").add("merges", new com.google.gson.JsonArray());
        });
        badModel(model, "tokenizer.json", "vocab");
    }

    @Test
    void unwritableOutputFailsBeforeLoading() throws IOException {
        Path proc = Path.of("/proc/self/v.mp4");
        assumeTrue(Files.isDirectory(proc.getParent()), "no /proc");
        // the model is broken too: the output must be what is reported, so it was checked first
        Path model = Files.createDirectories(dir.resolve("empty-model"));
        Result r = generate(model, proc);
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains("cannot write in folder /proc/self"), r.err());
    }

    @Test
    void internalErrorsExitOne() {
        assertEquals(1, Cli.exitCode(new HunyuanException("denoise failed: engine error")));
        assertEquals(1, Cli.exitCode(new OutOfMemoryError("Java heap space")));
        assertEquals(1, Cli.exitCode(new NullPointerException()));
        assertEquals(2, Cli.exitCode(new ConfigException("x/config.json: bad")));
        assertEquals(130, Cli.exitCode(new GenerationCancelledException("stop", 0)));
        assertEquals("OutOfMemoryError: Java heap space", Cli.oneLine(new OutOfMemoryError("Java heap space")));
        assertEquals("a b", Cli.oneLine(new IllegalArgumentException("a\n  b")));
        assertEquals("NullPointerException", Cli.oneLine(new NullPointerException()));
    }
}
