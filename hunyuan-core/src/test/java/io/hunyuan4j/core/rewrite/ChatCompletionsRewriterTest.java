package io.hunyuan4j.core.rewrite;

import static io.hunyuan4j.core.rewrite.LoopbackChatServer.body;
import static io.hunyuan4j.core.rewrite.LoopbackChatServer.ok;
import static io.hunyuan4j.core.rewrite.LoopbackChatServer.slow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.pipeline.PromptRewriteException;
import io.hunyuan4j.core.pipeline.PromptRewriteException.Reason;
import io.hunyuan4j.core.pipeline.PromptRewriter.Mode;
import io.hunyuan4j.core.pipeline.RewrittenPrompt;
import io.hunyuan4j.core.rewrite.ChatCompletionsRewriter.OnFailure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ChatCompletionsRewriter} against a real HTTP server on the loopback address: what it sends, and what
 * it does with each kind of answer. Backoffs are milliseconds, so the class runs in a few seconds.
 */
class ChatCompletionsRewriterTest {

    private static final String PROMPT = "一只小狗在草地上奔跑";
    private static final String REWRITE = "A small puppy runs across a sunlit meadow, grass swaying around it.";

    private final List<LoopbackChatServer> servers = new ArrayList<>();

    private LoopbackChatServer server(LoopbackChatServer.Reply... script) throws IOException {
        LoopbackChatServer s = LoopbackChatServer.start(script);
        servers.add(s);
        return s;
    }

    /** Fast settings; the key comes from a fake environment. */
    private static ChatCompletionsRewriter.Builder rewriter(LoopbackChatServer s) {
        return ChatCompletionsRewriter.builder(s.baseUrl(), "hunyuan-rewrite")
                .environment(name -> name.equals(ChatCompletionsRewriter.DEFAULT_API_KEY_ENV) ? "sk-env" : null)
                .timeout(Duration.ofSeconds(5)).maxRetries(2).backoff(Duration.ofMillis(5), Duration.ofMillis(20));
    }

    @AfterEach
    void nothingLeftRunning() throws Exception {
        for (LoopbackChatServer s : servers) {
            s.close();
            assertTrue(s.stopped(), "handler threads ended");
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", s.port()).close(),
                    "port " + s.port() + " no longer accepts connections");
        }
    }

    @Test
    void successSendsTheNormalTemplateAsOneUserMessageAndReturnsTheCleanedAnswer() throws Exception {
        LoopbackChatServer s = server(ok("Rewritten prompt: \"" + REWRITE + "\""));
        RewrittenPrompt r = rewriter(s).maxTokens(300).build().rewrite(PROMPT, Mode.NORMAL);

        assertEquals(RewrittenPrompt.of(Mode.NORMAL, PROMPT, REWRITE), r);
        assertFalse(r.fellBack());
        assertEquals(1, s.requests().size());
        LoopbackChatServer.Request req = s.requests().get(0);
        assertEquals("POST", req.method());
        assertEquals("/v1/chat/completions", req.path());
        assertEquals("application/json", req.headers().get("content-type"));
        assertEquals("application/json", req.headers().get("accept"));
        assertEquals("Bearer sk-env", req.headers().get("authorization"));
        JsonObject json = JsonParser.parseString(req.body()).getAsJsonObject();
        assertEquals("hunyuan-rewrite", json.get("model").getAsString());
        assertEquals(300, json.get("max_tokens").getAsInt());
        assertFalse(json.get("stream").getAsBoolean());
        assertFalse(json.has("temperature"), "the server's default unless set");
        assertEquals(1, json.getAsJsonArray("messages").size());
        JsonObject message = json.getAsJsonArray("messages").get(0).getAsJsonObject();
        assertEquals("user", message.get("role").getAsString());
        assertEquals(ChatCompletionsRewriter.defaultTemplate(Mode.NORMAL).replace("{input}", PROMPT),
                message.get("content").getAsString());
        assertTrue(message.get("content").getAsString().startsWith("Normal mode"));
    }

    @Test
    void masterModeSendsTheMasterTemplate() throws Exception {
        LoopbackChatServer s = server(ok(REWRITE));
        RewrittenPrompt r = rewriter(s).temperature(0).build().rewrite(PROMPT, Mode.MASTER);

        assertEquals(REWRITE, r.rewritten());
        JsonObject json = JsonParser.parseString(s.requests().get(0).body()).getAsJsonObject();
        String content = json.getAsJsonArray("messages").get(0).getAsJsonObject().get("content").getAsString();
        assertEquals(ChatCompletionsRewriter.defaultTemplate(Mode.MASTER).replace("{input}", PROMPT), content);
        assertTrue(content.startsWith("Master mode"), content);
        assertTrue(content.contains("camera movement"), content);
        assertEquals(0.0, json.get("temperature").getAsDouble());
    }

    @Test
    void templatesAreOverriddenFromAStringOrAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("master.txt");
        Files.writeString(file, "MASTER {input} / {input}");
        LoopbackChatServer s = server(ok(REWRITE));
        ChatCompletionsRewriter r = rewriter(s).template(Mode.NORMAL, "Rewrite: {input}").template(Mode.MASTER, file)
                .build();
        r.rewrite("a fox", Mode.NORMAL);
        r.rewrite("a fox", Mode.MASTER);

        List<String> sent = s.requests().stream().map(q -> JsonParser.parseString(q.body()).getAsJsonObject()
                .getAsJsonArray("messages").get(0).getAsJsonObject().get("content").getAsString()).toList();
        assertEquals(List.of("Rewrite: a fox", "MASTER a fox / a fox"), sent);
        IllegalArgumentException noPlaceholder = assertThrows(IllegalArgumentException.class,
                () -> ChatCompletionsRewriter.builder(s.baseUrl(), "m").template(Mode.NORMAL, "no placeholder"));
        assertTrue(noPlaceholder.getMessage().contains("{input}"), noPlaceholder.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ChatCompletionsRewriter.builder(s.baseUrl(), "m").template(Mode.MASTER, dir.resolve("none.txt")));
        assertTrue(missing.getMessage().contains("none.txt"), missing.getMessage());
    }

    @Test
    void tooManyRequestsIsRetriedAfterABackoffThenSucceeds() throws Exception {
        // Retry-After of 30 s is capped by the 20 ms maximum backoff
        LoopbackChatServer s = server(body(429, "{\"error\":\"rate limited\"}", "Retry-After", "30"), ok(REWRITE));
        long t0 = System.nanoTime();
        RewrittenPrompt r = rewriter(s).build().rewrite(PROMPT, Mode.NORMAL);

        assertEquals(REWRITE, r.rewritten());
        assertEquals(2, s.requests().size(), "one retry");
        assertEquals(s.requests().get(0).body(), s.requests().get(1).body(), "the same request again");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "Retry-After bounded by the max backoff");
    }

    @Test
    void serverErrorsAreRetriedUpToTheLimitThenFail() throws Exception {
        LoopbackChatServer s = server(body(500, "{\"error\":\"boom\"}"));
        PromptRewriteException e = assertThrows(PromptRewriteException.class,
                () -> rewriter(s).build().rewrite(PROMPT, Mode.NORMAL));

        assertEquals(Reason.HTTP_STATUS, e.reason());
        assertEquals(500, e.statusCode());
        assertEquals(3, e.attempts());
        assertEquals(3, s.requests().size(), "1 attempt + 2 retries");
        assertTrue(e.getMessage().contains("HTTP 500") && e.getMessage().contains("boom")
                && e.getMessage().contains(s.baseUrl().toString()), e.getMessage());
    }

    @Test
    void serverErrorsFallBackToTheOriginalPromptWhenConfigured() throws Exception {
        LoopbackChatServer s = server(body(503, "overloaded"));
        RewrittenPrompt r = rewriter(s).maxRetries(1).onFailure(OnFailure.USE_ORIGINAL).build()
                .rewrite(PROMPT, Mode.MASTER);

        assertEquals(PROMPT, r.rewritten());
        assertTrue(r.fellBack());
        assertTrue(r.fallbackReason().contains("HTTP 503"), r.fallbackReason());
        assertEquals(2, s.requests().size());
    }

    @Test
    void clientErrorsAreNotRetried() throws Exception {
        LoopbackChatServer s = server(body(401, "{\"error\":\"bad key\"}"));
        PromptRewriteException e = assertThrows(PromptRewriteException.class,
                () -> rewriter(s).build().rewrite(PROMPT, Mode.NORMAL));

        assertEquals(Reason.HTTP_STATUS, e.reason());
        assertEquals(401, e.statusCode());
        assertEquals(1, s.requests().size());
    }

    @Test
    void malformedJsonFailsWithoutRetryOrFallsBack() throws Exception {
        LoopbackChatServer s = server(body(200, "{\"choices\": [ oops"));
        PromptRewriteException e = assertThrows(PromptRewriteException.class,
                () -> rewriter(s).build().rewrite(PROMPT, Mode.NORMAL));
        assertEquals(Reason.MALFORMED_REPLY, e.reason());
        assertEquals(1, e.attempts());
        assertTrue(e.getMessage().contains("oops"), e.getMessage());

        RewrittenPrompt r = rewriter(s).onFailure(OnFailure.USE_ORIGINAL).build().rewrite(PROMPT, Mode.NORMAL);
        assertEquals(RewrittenPrompt.fallback(Mode.NORMAL, PROMPT, e.getMessage()), r);
        assertEquals(2, s.requests().size(), "one request each, no retries");
    }

    @Test
    void anEmptyChoiceListOrBlankAnswerIsAnEmptyReply() throws Exception {
        LoopbackChatServer s = server(body(200, "{\"choices\": []}"), ok("  \"\"  "));
        ChatCompletionsRewriter r = rewriter(s).build();

        PromptRewriteException none = assertThrows(PromptRewriteException.class, () -> r.rewrite(PROMPT, Mode.NORMAL));
        assertEquals(Reason.EMPTY_REPLY, none.reason());
        assertTrue(none.getMessage().contains("no choices"), none.getMessage());
        PromptRewriteException blank = assertThrows(PromptRewriteException.class, () -> r.rewrite(PROMPT, Mode.NORMAL));
        assertEquals(Reason.EMPTY_REPLY, blank.reason());
        assertEquals(2, s.requests().size());
    }

    @Test
    void aSlowReplyPastTheTimeoutFailsOnceOrFallsBack() throws Exception {
        LoopbackChatServer s = server(slow(Duration.ofSeconds(30), ok(REWRITE)));
        Duration timeout = Duration.ofMillis(200);
        long t0 = System.nanoTime();
        PromptRewriteException e = assertThrows(PromptRewriteException.class,
                () -> rewriter(s).timeout(timeout).build().rewrite(PROMPT, Mode.NORMAL));
        long took = System.nanoTime() - t0;

        assertEquals(Reason.TIMEOUT, e.reason());
        assertEquals(1, e.attempts(), "a timeout is not retried");
        assertTrue(e.getMessage().contains("within 200 ms"), e.getMessage());
        assertTrue(took >= timeout.toNanos() && took < TimeUnit.SECONDS.toNanos(5), took / 1_000_000 + " ms");

        RewrittenPrompt r = rewriter(s).timeout(timeout).onFailure(OnFailure.USE_ORIGINAL).build()
                .rewrite(PROMPT, Mode.MASTER);
        assertEquals(PROMPT, r.rewritten());
        assertTrue(r.fallbackReason().contains("within 200 ms"), r.fallbackReason());
        assertEquals(2, s.requests().size());
    }

    @Test
    void anUnreachableEndpointIsRetriedThenFails() throws Exception {
        LoopbackChatServer s = server(ok(REWRITE));
        URI gone = s.baseUrl();
        s.close();
        PromptRewriteException e = assertThrows(PromptRewriteException.class,
                () -> ChatCompletionsRewriter.builder(gone, "m").maxRetries(1)
                        .backoff(Duration.ofMillis(5), Duration.ofMillis(5)).build().rewrite(PROMPT, Mode.NORMAL));

        assertEquals(Reason.CONNECTION, e.reason());
        assertEquals(2, e.attempts());
    }

    @Test
    void anInterruptFailsEvenWhenFallbackIsConfigured() throws Exception {
        LoopbackChatServer s = server(slow(Duration.ofSeconds(30), ok(REWRITE)));
        ChatCompletionsRewriter r = rewriter(s).onFailure(OnFailure.USE_ORIGINAL).build();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                r.rewrite(PROMPT, Mode.NORMAL);
            } catch (RuntimeException e) {
                thrown.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        while (s.requests().isEmpty()) {
            Thread.sleep(5);
        }
        t.interrupt();
        t.join(5000);

        assertFalse(t.isAlive());
        PromptRewriteException e = (PromptRewriteException) thrown.get();
        assertEquals(Reason.INTERRUPTED, e.reason());
        assertTrue(stillInterrupted.get(), "the interrupt flag is kept");
    }

    @Test
    void theBuilderKeyWinsOverTheEnvironmentAndNoKeySendsNoAuthorization() throws Exception {
        LoopbackChatServer s = server(ok(REWRITE));
        rewriter(s).apiKey("sk-builder").build().rewrite(PROMPT, Mode.NORMAL);
        ChatCompletionsRewriter.builder(s.baseUrl(), "m").environment(name -> null).build()
                .rewrite(PROMPT, Mode.NORMAL);
        ChatCompletionsRewriter custom = ChatCompletionsRewriter.builder(s.baseUrl(), "m").apiKeyFromEnv("MY_KEY")
                .environment(name -> name.equals("MY_KEY") ? " sk-custom\n" : "sk-wrong").build();
        custom.rewrite(PROMPT, Mode.NORMAL);

        assertEquals("Bearer sk-builder", s.requests().get(0).headers().get("authorization"));
        assertNull(s.requests().get(1).headers().get("authorization"));
        assertEquals("Bearer sk-custom", s.requests().get(2).headers().get("authorization"));
        assertFalse(custom.toString().contains("sk-"), "toString never shows the key: " + custom);
    }

    @Test
    void modeNoneSendsNothing() throws Exception {
        LoopbackChatServer s = server(ok(REWRITE));
        assertEquals(RewrittenPrompt.of(Mode.NONE, PROMPT, PROMPT), rewriter(s).build().rewrite(PROMPT, Mode.NONE));
        assertTrue(s.requests().isEmpty());
    }

    @Test
    void concurrentCallsShareOneRewriter() throws Exception {
        LoopbackChatServer s = server(ok(REWRITE));
        ChatCompletionsRewriter r = rewriter(s).build();
        List<CompletableFuture<RewrittenPrompt>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String p = "prompt " + i;
            calls.add(CompletableFuture.supplyAsync(() -> r.rewrite(p, Mode.NORMAL)));
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(RewrittenPrompt.of(Mode.NORMAL, "prompt " + i, REWRITE),
                    calls.get(i).get(5, TimeUnit.SECONDS));
        }
        assertEquals(4, s.requests().size());
    }

    @Test
    void badSettingsAreRejectedWithTheirName() {
        URI ok = URI.create("http://127.0.0.1:1/v1");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChatCompletionsRewriter.builder(URI.create("localhost:8000"), "m")).getMessage()
                .contains("baseUrl"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChatCompletionsRewriter.builder(URI.create("ftp://h/v1"), "m")).getMessage().contains("http"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChatCompletionsRewriter.builder(ok, " "))
                .getMessage().contains("model"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChatCompletionsRewriter.builder(ok, "m").maxRetries(11)).getMessage().contains("maxRetries"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChatCompletionsRewriter.builder(ok, "m").timeout(Duration.ZERO)).getMessage()
                .contains("timeout"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChatCompletionsRewriter.builder(ok, "m").backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .getMessage().contains("backoff"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChatCompletionsRewriter.builder(ok, "m").template(Mode.NONE, "{input}")).getMessage()
                .contains("NONE"));
        String trailingSlash = ChatCompletionsRewriter.builder(URI.create("http://127.0.0.1:1/v1/"), "m").build()
                .toString();
        assertTrue(trailingSlash.contains("[http://127.0.0.1:1/v1/chat/completions,"), trailingSlash);
    }
}
