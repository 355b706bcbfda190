package io.hunyuan4j.core.rewrite;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.hunyuan4j.core.pipeline.PromptRewriteException;
import io.hunyuan4j.core.pipeline.PromptRewriteException.Reason;
import io.hunyuan4j.core.pipeline.PromptRewriter;
import io.hunyuan4j.core.pipeline.RewrittenPrompt;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PromptRewriter} that asks an OpenAI-compatible chat-completions endpoint ({@code POST
 * {baseUrl}/chat/completions}, as served by vLLM, SGLang, TGI, llama.cpp, Ollama or OpenAI itself) to
 * rewrite each prompt. The mode's template, with {@code {input}} replaced by the prompt, is sent as one user
 * message, the form Tencent's rewrite model was trained on; the answer is {@link RewriteOutput cleaned}
 * (reasoning, labels such as "Rewritten prompt:", code fences, surrounding quotes) and cut to
 * {@link Builder#maxPromptChars} characters.
 *
 * <pre>{@code
 * PromptRewriter rewriter = ChatCompletionsRewriter
 *         .builder(URI.create("http://llm.internal:8000/v1"), "hunyuan-rewrite")
 *         .timeout(Duration.ofSeconds(30))
 *         .build();
 * }</pre>
 *
 * <p><b>Failures.</b> Status 429 and 5xx replies and failed connections are retried up to
 * {@link Builder#maxRetries} times with exponential backoff (a {@code Retry-After} in seconds is honoured, up
 * to the maximum backoff). Other statuses, malformed or empty replies and timeouts are not retried: they would
 * fail again, and a reply that runs past the timeout means a busy server that a second request only loads
 * more. What then happens is {@link Builder#onFailure}: {@link OnFailure#FAIL} (the default) fails the
 * generation with a {@link PromptRewriteException}; {@link OnFailure#USE_ORIGINAL} generates from the
 * original prompt and records the reason in the provenance. An interrupt always fails.
 *
 * <p>Immutable and thread-safe; one {@link HttpClient} (and its connection pool) is shared by all calls.
 *
 * @see <a href="https://platform.openai.com/docs/api-reference/chat/create">OpenAI chat completions</a>
 */
public final class ChatCompletionsRewriter implements PromptRewriter {

    /** The environment variable the API key is read from unless the builder names another or sets the key. */
    public static final String DEFAULT_API_KEY_ENV = "HUNYUAN4J_REWRITE_API_KEY";
    /** Where the prompt goes in a template. Tencent's templates use the same placeholder. */
    public static final String INPUT_PLACEHOLDER = "{input}";

    private static final Logger LOG = LoggerFactory.getLogger(ChatCompletionsRewriter.class);
    /** How much of an error reply the exception message quotes. */
    private static final int ERROR_BODY_CHARS = 200;

    /** What a failed rewrite does to the generation. */
    public enum OnFailure {
        /** The generation fails with a {@link PromptRewriteException} (the default). */
        FAIL,
        /** The generation goes on with the original prompt; the provenance records why. */
        USE_ORIGINAL
    }

    private final URI endpoint;
    private final String model;
    private final @Nullable String apiKey;
    private final HttpClient client;
    private final Duration timeout;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int maxTokens;
    private final @Nullable Double temperature;
    private final int maxPromptChars;
    private final Map<Mode, String> templates;
    private final OnFailure onFailure;

    private ChatCompletionsRewriter(Builder b, @Nullable String apiKey, HttpClient client) {
        this.endpoint = b.endpoint;
        this.model = b.model;
        this.apiKey = apiKey;
        this.client = client;
        this.timeout = b.timeout;
        this.maxRetries = b.maxRetries;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.maxTokens = b.maxTokens;
        this.temperature = b.temperature;
        this.maxPromptChars = b.maxPromptChars;
        this.templates = new EnumMap<>(b.templates);
        this.onFailure = b.onFailure;
    }

    /**
     * Starts a rewriter for an endpoint.
     *
     * @param baseUrl the API base, up to and including the version ({@code http://host:8000/v1}); requests go
     *     to {@code {baseUrl}/chat/completions}
     * @param model the served model name ({@code "model"} of the request)
     * @throws IllegalArgumentException if the URL is not absolute http(s) or the model name is blank
     */
    public static Builder builder(URI baseUrl, String model) {
        return new Builder(baseUrl, model);
    }

    /**
     * The SDK's template for {@link Mode#NORMAL} or {@link Mode#MASTER} (resources {@code normal.txt},
     * {@code master.txt} of this package), with the {@value #INPUT_PLACEHOLDER} placeholder.
     */
    public static String defaultTemplate(Mode mode) {
        String name = switch (mode) {
            case NORMAL -> "normal.txt";
            case MASTER -> "master.txt";
            case NONE -> throw new IllegalArgumentException("mode NONE has no template");
        };
        try (InputStream in = ChatCompletionsRewriter.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("template resource " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template resource " + name, e);
        }
    }

    /**
     * Rewrites one prompt; {@link Mode#NONE} returns it unchanged without a request.
     *
     * @throws PromptRewriteException if the rewrite failed and {@link Builder#onFailure} is {@code FAIL}, or
     *     the thread was interrupted
     */
    @Override
    public RewrittenPrompt rewrite(String prompt, Mode mode) {
        if (mode == Mode.NONE) {
            return RewrittenPrompt.of(mode, prompt, prompt);
        }
        try {
            String template = Objects.requireNonNull(templates.get(mode), mode::name); // the builder sets NORMAL and MASTER
            return RewrittenPrompt.of(mode, prompt, call(template.replace(INPUT_PLACEHOLDER, prompt)));
        } catch (PromptRewriteException e) {
            if (onFailure == OnFailure.FAIL || e.reason() == Reason.INTERRUPTED) {
                throw e;
            }
            LOG.warn("prompt rewrite ({}) failed, generating from the original prompt: {}", mode, e.getMessage());
            return RewrittenPrompt.fallback(mode, prompt, Objects.requireNonNullElse(e.getMessage(), e.toString()));
        }
    }

    /** Sends the filled template, retrying as the class notes say; returns the cleaned answer. */
    private String call(String content) {
        JsonObject message = new JsonObject();
        message.addProperty("role", "user");
        message.addProperty("content", content);
        JsonArray messages = new JsonArray();
        messages.add(message);
        JsonObject body = new JsonObject();
        body.addProperty("model", model);
        body.add("messages", messages);
        body.addProperty("max_tokens", maxTokens);
        if (temperature != null) {
            body.addProperty("temperature", temperature);
        }
        body.addProperty("stream", false);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpRequest req = request.build();
        for (int attempt = 1; ; attempt++) {
            boolean last = attempt > maxRetries;
            HttpResponse<String> response;
            try {
                response = send(req, attempt);
            } catch (PromptRewriteException e) {
                if (e.reason() != Reason.CONNECTION || last) {
                    throw e;
                }
                LOG.debug("attempt {}: {}; retrying", attempt, e.getMessage());
                sleep(backoff(attempt, null), attempt);
                continue;
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                return answer(response.body(), attempt, status);
            }
            boolean retryable = status == 429 || status / 100 == 5;
            if (!retryable || last) {
                throw new PromptRewriteException(Reason.HTTP_STATUS, "prompt rewrite endpoint " + endpoint
                        + " answered HTTP " + status + (retryable ? " after " + attempt + " attempts" : "") + ": "
                        + RewriteOutput.bound(response.body().strip(), ERROR_BODY_CHARS), attempt, status);
            }
            Duration wait = backoff(attempt, response.headers().firstValue("Retry-After").orElse(null));
            LOG.debug("attempt {}: HTTP {}; retrying in {} ms", attempt, status, wait.toMillis());
            sleep(wait, attempt);
        }
    }

    /** One exchange, bounded as a whole (headers and body) by the timeout. */
    private HttpResponse<String> send(HttpRequest req, int attempt) {
        CompletableFuture<HttpResponse<String>> f = client.sendAsync(req,
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw timedOut(attempt, e);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new PromptRewriteException(Reason.INTERRUPTED, "interrupted while waiting for the prompt rewrite"
                    + " endpoint " + endpoint, attempt, 0, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof HttpTimeoutException && !(cause instanceof HttpConnectTimeoutException)) {
                throw timedOut(attempt, cause);
            }
            throw new PromptRewriteException(Reason.CONNECTION, "cannot reach the prompt rewrite endpoint "
                    + endpoint + ": " + cause, attempt, 0, cause);
        }
    }

    private PromptRewriteException timedOut(int attempt, Throwable cause) {
        return new PromptRewriteException(Reason.TIMEOUT, "prompt rewrite endpoint " + endpoint
                + " gave no complete reply within " + timeout.toMillis() + " ms", attempt, 0, cause);
    }

    /** {@code choices[0].message.content}, cleaned. */
    private String answer(String json, int attempt, int status) {
        String text;
        try {
            JsonObject root = JsonParser.parseString(json).getAsJsonObject();
            JsonElement c = root.get("choices");
            if (c == null || !c.isJsonArray()) {
                throw new IllegalStateException("no \"choices\" array");
            }
            JsonArray choices = c.getAsJsonArray();
            if (choices.isEmpty()) {
                throw new PromptRewriteException(Reason.EMPTY_REPLY, "prompt rewrite endpoint " + endpoint
                        + " answered with no choices", attempt, status);
            }
            JsonObject message = choices.get(0).getAsJsonObject().getAsJsonObject("message");
            JsonElement content = message == null ? null : message.get("content");
            text = content == null || content.isJsonNull() ? "" : content.getAsString();
        } catch (JsonParseException | IllegalStateException | ClassCastException | UnsupportedOperationException e) {
            throw new PromptRewriteException(Reason.MALFORMED_REPLY, "prompt rewrite endpoint " + endpoint
                    + " answered with an unexpected body (" + e.getMessage() + "): "
                    + RewriteOutput.bound(json.strip(), ERROR_BODY_CHARS), attempt, status, e);
        }
        String cleaned = RewriteOutput.clean(text, maxPromptChars);
        if (cleaned.isEmpty()) {
            throw new PromptRewriteException(Reason.EMPTY_REPLY, "prompt rewrite endpoint " + endpoint
                    + " answered with no text (content '" + RewriteOutput.bound(text, ERROR_BODY_CHARS) + "')",
                    attempt, status);
        }
        return cleaned;
    }

    /**
     * Exponential backoff from the initial delay, or the server's {@code Retry-After} seconds, capped at the
     * maximum; with jitter (half to all of it) so clients that failed together do not retry together.
     */
    private Duration backoff(int attempt, @Nullable String retryAfter) {
        long cap = maxBackoff.toMillis();
        long millis = initialBackoff.toMillis();
        for (int i = 1; i < attempt && millis < cap; i++) {
            millis *= 2;
        }
        if (retryAfter != null) {
            try {
                millis = Math.max(0, Math.multiplyExact(Long.parseLong(retryAfter.strip()), 1000L));
            } catch (NumberFormatException | ArithmeticException httpDate) {
                // an HTTP-date (or absurd number): keep the exponential delay
            }
        }
        millis = Math.min(millis, cap);
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    private void sleep(Duration d, int attempt) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PromptRewriteException(Reason.INTERRUPTED, "interrupted while waiting to retry the prompt"
                    + " rewrite endpoint " + endpoint, attempt, 0, e);
        }
    }

    /** The endpoint, model and policy, never the API key. */
    @Override
    public String toString() {
        return "ChatCompletionsRewriter[" + endpoint + ", model=" + model + ", timeout=" + timeout.toMillis()
                + "ms, maxRetries=" + maxRetries + ", onFailure=" + onFailure + "]";
    }

    /** Configures a {@link ChatCompletionsRewriter}; every setting has a default but the URL and model. */
    public static final class Builder {
        private final URI endpoint;
        private final String model;
        private @Nullable String apiKey;
        private String apiKeyEnv = DEFAULT_API_KEY_ENV;
        private UnaryOperator<@Nullable String> environment = System::getenv;
        private @Nullable HttpClient httpClient;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration timeout = Duration.ofSeconds(60);
        private int maxRetries = 2;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(8);
        private int maxTokens = 512;
        private @Nullable Double temperature;
        private int maxPromptChars = 2000;
        private final Map<Mode, String> templates = new EnumMap<>(Mode.class);
        private OnFailure onFailure = OnFailure.FAIL;

        private Builder(URI baseUrl, String model) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            String scheme = baseUrl.getScheme();
            if (!baseUrl.isAbsolute() || baseUrl.getHost() == null
                    || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
                throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL such as"
                        + " http://localhost:8000/v1 but is '" + baseUrl + "'");
            }
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("model must name the served model but is '" + model + "'");
            }
            String base = baseUrl.toString();
            this.endpoint = URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
            this.model = model;
            templates.put(Mode.NORMAL, defaultTemplate(Mode.NORMAL));
            templates.put(Mode.MASTER, defaultTemplate(Mode.MASTER));
        }

        /** The API key, sent as {@code Authorization: Bearer}; overrides the environment. */
        public Builder apiKey(String key) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("apiKey must not be blank");
            }
            this.apiKey = key;
            return this;
        }

        /**
         * The environment variable the API key is read from at {@link #build()} when {@link #apiKey} is not set
         * (default {@value ChatCompletionsRewriter#DEFAULT_API_KEY_ENV}); unset or empty sends no
         * {@code Authorization} header, as a local server needs none. A variable of its own, not
         * {@code OPENAI_API_KEY}, so a key meant for one service is not sent to another endpoint.
         */
        public Builder apiKeyFromEnv(String variable) {
            if (variable == null || variable.isBlank()) {
                throw new IllegalArgumentException("the API key variable name must not be blank");
            }
            this.apiKeyEnv = variable;
            return this;
        }

        /** Where {@link #build()} looks variables up (tests). */
        Builder environment(UnaryOperator<@Nullable String> env) {
            this.environment = Objects.requireNonNull(env, "environment");
            return this;
        }

        /**
         * The client to send with, for proxies, TLS or authentication set up by the application (default: a new
         * client with {@link #connectTimeout}); the caller keeps owning it.
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "httpClient");
            return this;
        }

        /** How long to wait for a connection (default 10 s); ignored with {@link #httpClient}. */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive("connectTimeout", d);
            return this;
        }

        /** How long one request may take, reply body included (default 60 s); a timeout is not retried. */
        public Builder timeout(Duration d) {
            this.timeout = positive("timeout", d);
            return this;
        }

        /** How many times a 429, 5xx or failed connection is retried (default 2, so 3 attempts; 0..10). */
        public Builder maxRetries(int n) {
            if (n < 0 || n > 10) {
                throw new IllegalArgumentException("maxRetries must be in [0, 10] but is " + n);
            }
            this.maxRetries = n;
            return this;
        }

        /**
         * The wait before the first retry, doubled for each further one, and its cap, which also bounds a
         * server's {@code Retry-After} (default 500 ms, 8 s).
         */
        public Builder backoff(Duration initial, Duration max) {
            positive("initial backoff", initial);
            positive("max backoff", max);
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff " + max + " must be >= initial backoff " + initial);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** The most tokens the model may answer with ({@code max_tokens}; default 512). */
        public Builder maxTokens(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxTokens must be >= 1 but is " + n);
            }
            this.maxTokens = n;
            return this;
        }

        /** Sampling temperature, 0..2 (default: not sent, so the server's default applies). */
        public Builder temperature(double t) {
            if (!(t >= 0 && t <= 2)) {
                throw new IllegalArgumentException("temperature must be in [0, 2] but is " + t);
            }
            this.temperature = t;
            return this;
        }

        /**
         * The most characters a rewritten prompt keeps, cut after a whole word (default 2000). The Llama
         * encoder reads at most 256 tokens of it in any case; this bounds what a runaway answer costs.
         */
        public Builder maxPromptChars(int n) {
            if (n < 16) {
                throw new IllegalArgumentException("maxPromptChars must be >= 16 but is " + n);
            }
            this.maxPromptChars = n;
            return this;
        }

        /**
         * Replaces a mode's template; {@value ChatCompletionsRewriter#INPUT_PLACEHOLDER} marks where the prompt
         * goes (every occurrence is replaced, nothing else is interpreted).
         *
         * @throws IllegalArgumentException for mode NONE, or a template without the placeholder
         */
        public Builder template(Mode mode, String template) {
            Objects.requireNonNull(template, "template");
            if (mode == Mode.NONE) {
                throw new IllegalArgumentException("mode NONE sends no request and takes no template");
            }
            if (!template.contains(INPUT_PLACEHOLDER)) {
                throw new IllegalArgumentException("the " + mode + " template must contain " + INPUT_PLACEHOLDER
                        + " where the prompt goes");
            }
            templates.put(mode, template);
            return this;
        }

        /**
         * Replaces a mode's template with a UTF-8 file's text, read now; see {@link #template(Mode, String)}.
         *
         * @throws IllegalArgumentException if the file cannot be read or lacks the placeholder
         */
        public Builder template(Mode mode, Path file) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the " + mode + " template " + file + ": " + e, e);
            }
            try {
                return template(mode, text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (" + file + ")", e);
            }
        }

        /**
         * What a failed or timed-out rewrite does (default {@link OnFailure#FAIL}: a generation costs far more
         * than a rewrite, and one from a prompt the user did not ask for is wasted, so a failure is reported at
         * once; {@link OnFailure#USE_ORIGINAL} suits services that prefer a video to an error).
         */
        public Builder onFailure(OnFailure policy) {
            this.onFailure = Objects.requireNonNull(policy, "onFailure");
            return this;
        }

        /** Reads the API key (from the builder or the environment) and builds the rewriter. */
        public ChatCompletionsRewriter build() {
            String key = apiKey;
            if (key == null) {
                String v = environment.apply(apiKeyEnv);
                key = v == null || v.isBlank() ? null : v.strip();
            }
            // HTTP/1.1: on a cleartext URL the default HTTP/2 sends an h2c upgrade with the POST, which some
            // proxies and servers mishandle, and one request at a time gains nothing from HTTP/2
            HttpClient client = httpClient != null ? httpClient
                    : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                            .build();
            return new ChatCompletionsRewriter(this, key, client);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0 but is " + d);
            }
            return d;
        }
    }
}
