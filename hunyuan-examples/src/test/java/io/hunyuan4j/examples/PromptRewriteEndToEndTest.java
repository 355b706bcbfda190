package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.PromptRewriter.Mode;
import io.hunyuan4j.core.pipeline.RewrittenPrompt;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.core.rewrite.ChatCompletionsRewriter;
import io.hunyuan4j.testing.TinyModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rewrite through the embedded tiny model, with a chat-completions server on the loopback address: the
 * rewritten prompt is what the encoder conditions on (the video equals the one generated from it directly)
 * and is recorded in the provenance; the CLI options reach the endpoint.
 */
class PromptRewriteEndToEndTest {

    private static final String REWRITTEN = "A fluffy orange cat walks slowly across green grass, soft daylight.";
    private static final int SIZE = 32;
    private static final GenerationRequest SMALL = GenerationRequest.of("a cat").withSize(SIZE, SIZE).withFrames(1)
            .withSteps(2).withSeed(5);

    private final List<String> bodies = new ArrayList<>();
    private HttpServer server;
    private ExecutorService handlers;
    private volatile int status = 200;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        handlers = Executors.newSingleThreadExecutor();
        server.setExecutor(handlers);
        server.createContext("/v1/chat/completions", ex -> {
            try {
                synchronized (bodies) {
                    bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                }
                String body = status == 200
                        ? "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                                + "\"Rewritten prompt: " + REWRITTEN + "\"},\"finish_reason\":\"stop\"}]}"
                        : "{\"error\":\"invalid api key\"}";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        server.stop(0);
        handlers.shutdownNow();
        assertTrue(handlers.awaitTermination(10, TimeUnit.SECONDS), "server threads ended");
    }

    private String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private JsonObject request(int i) {
        synchronized (bodies) {
            return JsonParser.parseString(bodies.get(i)).getAsJsonObject();
        }
    }

    private static String content(JsonObject request) {
        return request.getAsJsonArray("messages").get(0).getAsJsonObject().get("content").getAsString();
    }

    @Test
    void theRewrittenPromptReachesTheEncoderAndTheProvenance() {
        ChatCompletionsRewriter rewriter = ChatCompletionsRewriter
                .builder(java.net.URI.create(endpoint()), "hunyuan-rewrite").build();
        try (VideoPipeline pipe = TinyModel.builder(ComponentOptions.defaults()).promptRewriter(rewriter).build()) {
            Video rewritten = pipe.generate(SMALL.withRewrite(Mode.MASTER));
            Video direct = pipe.generate(SMALL.withPrompt(REWRITTEN));
            Video plain = pipe.generate(SMALL);

            assertArrayEquals(direct.frame(0), rewritten.frame(0), "conditioned on the rewritten prompt");
            assertFalse(java.util.Arrays.equals(plain.frame(0), rewritten.frame(0)), "not on the original");
            assertEquals("a cat", rewritten.provenance().request().prompt());
            assertEquals(RewrittenPrompt.of(Mode.MASTER, "a cat", REWRITTEN), rewritten.provenance().rewrite());
            assertEquals(1, bodies.size(), "only the request that asked for a rewrite called the endpoint");
            assertEquals("hunyuan-rewrite", request(0).get("model").getAsString());
            assertEquals(ChatCompletionsRewriter.defaultTemplate(Mode.MASTER).replace("{input}", "a cat"),
                    content(request(0)));
        }
    }

    private static CliRun cli(String... args) {
        String[] a = new String[args.length + 1];
        a[0] = "generate";
        System.arraycopy(args, 0, a, 1, args.length);
        return CliRun.of(a);
    }

    private static final String[] SMALL_ARGS = {"--height", Integer.toString(SIZE), "--width", Integer.toString(SIZE),
        "--frames", "1", "--steps", "2", "--seed", "5"};

    private static String[] args(String prompt, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("--prompt", prompt));
        a.addAll(List.of(SMALL_ARGS));
        a.addAll(List.of(more));
        a.addAll(List.of("--out", out.toString()));
        return a.toArray(String[]::new);
    }

    @Test
    void theCliRewritesThroughTheEndpoint(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("rewritten.png");
        CliRun r = cli(args("a cat", png, "--rewrite", "normal", "--rewrite-endpoint", endpoint(), "--rewrite-model",
                "cli-model"));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("prompt (normal rewrite): " + REWRITTEN), r.out());
        assertEquals("cli-model", request(0).get("model").getAsString());
        assertEquals(ChatCompletionsRewriter.defaultTemplate(Mode.NORMAL).replace("{input}", "a cat"),
                content(request(0)));

        Path direct = dir.resolve("direct.png");
        assertEquals(0, cli(args(REWRITTEN, direct)).code());
        BufferedImage a = ImageIO.read(png.toFile());
        BufferedImage b = ImageIO.read(direct.toFile());
        assertArrayEquals(b.getRGB(0, 0, SIZE, SIZE, null, 0, SIZE), a.getRGB(0, 0, SIZE, SIZE, null, 0, SIZE));
    }

    @Test
    void aBatchRewritesEachPromptOnceAndPrintsItBeforeItsVideos(@TempDir Path dir) {
        Path png = dir.resolve("batch.png");
        int videosPerPrompt = 2;
        List<String> prompts = List.of("a cat", "a dog");
        CliRun r = cli(args(prompts.get(0), png, "--prompt", prompts.get(1), "--videos-per-prompt",
                Integer.toString(videosPerPrompt), "--rewrite", "normal", "--rewrite-endpoint=" + endpoint(),
                "--rewrite-model", "m"));
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> expected = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            expected.add("prompt (normal rewrite): " + REWRITTEN);
            for (int v = 0; v < videosPerPrompt; v++) {
                expected.add("wrote " + dir.resolve("batch-" + (p * videosPerPrompt + v) + ".png"));
            }
        }
        List<String> got = r.out().lines().filter(l -> l.startsWith("prompt (") || l.startsWith("wrote "))
                .map(l -> l.startsWith("wrote ") ? l.substring(0, l.indexOf(':')) : l).toList();
        assertEquals(expected, got, r.out());
        assertEquals(prompts.size(), bodies.size(), "one rewrite per prompt, not per video");
        for (int p = 0; p < prompts.size(); p++) {
            assertEquals(ChatCompletionsRewriter.defaultTemplate(Mode.NORMAL).replace("{input}", prompts.get(p)),
                    content(request(p)));
        }
    }

    @Test
    void aFailedRewriteFailsTheCliWithTheEndpointsAnswer(@TempDir Path dir) {
        status = 401;
        Path png = dir.resolve("never.png");
        CliRun r = cli(args("a cat", png, "--rewrite", "master", "--rewrite-endpoint", endpoint(), "--rewrite-model",
                "m"));
        // PromptRewriteException is a HunyuanException subclass: about the input (here the endpoint's key), exit 2
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertTrue(r.err().contains("HTTP 401") && r.err().contains("invalid api key"), r.err());
        assertFalse(Files.exists(png));
    }

    @Test
    void badRewriteOptionsAreUsageErrors(@TempDir Path dir) {
        Path png = dir.resolve("never.png");
        CliRun missing = cli(args("a cat", png, "--rewrite", "master"));
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("needs --rewrite-endpoint"), missing.err());
        CliRun mode = cli(args("a cat", png, "--rewrite", "poetic"));
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("--rewrite must be normal, master or none"), mode.err());
        CliRun orphan = cli(args("a cat", png, "--rewrite-endpoint", endpoint()));
        assertEquals(2, orphan.code());
        assertTrue(orphan.err().contains("need --rewrite normal|master"), orphan.err());
        CliRun url = cli(args("a cat", png, "--rewrite", "normal", "--rewrite-endpoint", "localhost:8000",
                "--rewrite-model", "m"));
        assertEquals(2, url.code());
        assertTrue(url.err().contains("absolute http(s) URL"), url.err());
        assertTrue(bodies.isEmpty(), "nothing sent");
        assertFalse(Files.exists(png));
    }
}
