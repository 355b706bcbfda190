package io.hunyuan4j.core.pipeline;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One prompt before and after {@link PromptRewriter rewriting}: the text the encoder saw
 * ({@link #rewritten()}) beside the user's ({@link #original()}).
 *
 * @param mode the rewrite that was asked for
 * @param original the user's prompt
 * @param rewritten the prompt that was encoded; equal to {@code original} after a fallback
 * @param fallbackReason why the rewrite failed and the original was kept, or null when it succeeded
 */
public record RewrittenPrompt(PromptRewriter.Mode mode, String original, String rewritten,
        @Nullable String fallbackReason) {

    /** Checks that a fallback keeps the original prompt. */
    public RewrittenPrompt {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(rewritten, "rewritten");
        if (fallbackReason != null && !rewritten.equals(original)) {
            throw new IllegalArgumentException("a fallback keeps the original prompt, but rewritten differs from it");
        }
    }

    /** A successful rewrite of {@code original} into {@code rewritten}. */
    public static RewrittenPrompt of(PromptRewriter.Mode mode, String original, String rewritten) {
        return new RewrittenPrompt(mode, original, rewritten, null);
    }

    /** A failed rewrite whose generation goes on with the original prompt; {@code reason} says what failed. */
    public static RewrittenPrompt fallback(PromptRewriter.Mode mode, String original, String reason) {
        return new RewrittenPrompt(mode, original, original, Objects.requireNonNull(reason, "reason"));
    }

    /** Whether the rewrite failed and the original prompt was encoded instead. */
    public boolean fellBack() {
        return fallbackReason != null;
    }
}
