package io.hunyuan4j.examples;

import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.PromptRewriter;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.core.rewrite.ChatCompletionsRewriter;
import java.net.URI;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The {@code --rewrite normal|master --rewrite-endpoint URL --rewrite-model NAME} options of
 * {@code generate}: the prompt rewrite, through an OpenAI-compatible endpoint, with the API key (if any) from
 * {@value ChatCompletionsRewriter#DEFAULT_API_KEY_ENV}. A failed rewrite fails the command, the library's
 * default. docs/prompt-rewrite.md.
 *
 * @param mode the rewrite asked for ({@code NONE} without {@code --rewrite})
 * @param rewriter the rewriter, or null for {@code NONE}
 */
record RewriteOptions(PromptRewriter.Mode mode, @Nullable PromptRewriter rewriter) {

    /**
     * Checks the options (before any model is loaded) and builds the rewriter.
     *
     * @param rewrite {@code --rewrite}, or null for none
     * @param endpoint {@code --rewrite-endpoint}, or null
     * @param model {@code --rewrite-model}, or null
     */
    static RewriteOptions parse(@Nullable String rewrite, @Nullable String endpoint, @Nullable String model) {
        String m = rewrite == null ? "none" : rewrite;
        PromptRewriter.Mode mode = switch (m.toLowerCase(Locale.ROOT)) {
            case "none" -> PromptRewriter.Mode.NONE;
            case "normal" -> PromptRewriter.Mode.NORMAL;
            case "master" -> PromptRewriter.Mode.MASTER;
            default -> throw new Cli.UsageException("--rewrite must be normal, master or none but is '" + m + "'");
        };
        if (mode == PromptRewriter.Mode.NONE) {
            if (endpoint != null || model != null) {
                throw new Cli.UsageException("--rewrite-endpoint and --rewrite-model need --rewrite normal|master");
            }
            return new RewriteOptions(mode, null);
        }
        if (endpoint == null || model == null) {
            throw new Cli.UsageException("--rewrite " + m + " needs --rewrite-endpoint URL (an OpenAI-compatible API"
                    + " base such as http://localhost:8000/v1) and --rewrite-model NAME");
        }
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException("--rewrite-endpoint '" + endpoint + "' is not a URL: " + e.getMessage());
        }
        try {
            return new RewriteOptions(mode, ChatCompletionsRewriter.builder(uri, model).build());
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException("--rewrite-endpoint/--rewrite-model: " + e.getMessage());
        }
    }

    GenerationRequest applyTo(GenerationRequest r) {
        return r.withRewrite(mode);
    }

    VideoPipeline.Builder applyTo(VideoPipeline.Builder b) {
        return rewriter == null ? b : b.promptRewriter(rewriter);
    }
}
