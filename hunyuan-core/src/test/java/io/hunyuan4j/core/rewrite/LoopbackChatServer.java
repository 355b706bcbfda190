package io.hunyuan4j.core.rewrite;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A chat-completions server on 127.0.0.1 and an ephemeral port, answering request i with script entry i (the
 * last entry repeats), and recording every request for the test to check. {@link #close()} releases replies
 * still waiting, stops the server and waits for its handler threads to end.
 */
final class LoopbackChatServer implements AutoCloseable {

    /** One request as received; header names lower-cased. */
    record Request(String method, String path, Map<String, String> headers, String body) { }

    /** One scripted reply. */
    interface Reply {
        void send(HttpExchange ex, LoopbackChatServer server) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService handlers;
    private final List<Reply> script;
    private final List<Request> requests = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger handlerThreads = new AtomicInteger();

    private LoopbackChatServer(List<Reply> script) throws IOException {
        this.script = List.copyOf(script);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        this.handlers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "loopback-chat-" + handlerThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    static LoopbackChatServer start(Reply... script) throws IOException {
        return new LoopbackChatServer(List.of(script));
    }

    /** The API base, {@code http://127.0.0.1:PORT/v1}. */
    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    int port() {
        return server.getAddress().getPort();
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange ex) throws IOException {
        int index;
        synchronized (this) {
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), headers, body));
            index = Math.min(requests.size(), script.size()) - 1;
        }
        try {
            script.get(index).send(ex, this);
        } catch (IOException clientGone) {
            // a client that timed out has closed the connection: nothing to answer
        } finally {
            ex.close();
        }
    }

    /** An OpenAI-style completion whose first choice says {@code content}. */
    static Reply ok(String content) {
        JsonObject message = new JsonObject();
        message.addProperty("role", "assistant");
        message.addProperty("content", content);
        JsonObject choice = new JsonObject();
        choice.addProperty("index", 0);
        choice.add("message", message);
        choice.addProperty("finish_reason", "stop");
        JsonArray choices = new JsonArray();
        choices.add(choice);
        JsonObject root = new JsonObject();
        root.addProperty("id", "chatcmpl-test");
        root.addProperty("object", "chat.completion");
        root.add("choices", choices);
        return body(200, root.toString());
    }

    /** A reply with this status and body (JSON content type), and optional header name/value pairs. */
    static Reply body(int status, String body, String... headers) {
        return (ex, s) -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                ex.getResponseHeaders().set(headers[i], headers[i + 1]);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        };
    }

    /** Answers {@code then} only after {@code delay}, or when the server closes, whichever comes first. */
    static Reply slow(Duration delay, Reply then) {
        return (ex, s) -> {
            try {
                s.release.await(delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            then.send(ex, s);
        };
    }

    /** Whether the server has stopped and every handler thread has ended. */
    boolean stopped() {
        return handlers.isTerminated();
    }

    @Override
    public void close() throws InterruptedException {
        release.countDown();
        server.stop(0);
        handlers.shutdownNow();
        if (!handlers.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("loopback server handler threads still running after 10 s");
        }
    }
}
