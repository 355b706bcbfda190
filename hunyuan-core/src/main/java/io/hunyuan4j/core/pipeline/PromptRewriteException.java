package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.HunyuanException;

/**
 * A {@link PromptRewriter} could not rewrite a prompt, and the generation fails with it (nothing was
 * generated). {@link #reason()} says what kind of failure it was, {@link #attempts()} how many requests were
 * made.
 */
public class PromptRewriteException extends HunyuanException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure. */
    public enum Reason {
        /** No complete reply within the timeout. */
        TIMEOUT,
        /** The endpoint could not be reached (refused, reset, DNS), after the allowed retries. */
        CONNECTION,
        /** The endpoint answered with an error status ({@link #statusCode()}), after any allowed retries. */
        HTTP_STATUS,
        /** The reply was not the expected JSON. */
        MALFORMED_REPLY,
        /** The reply held no choice, or no text once cleaned. */
        EMPTY_REPLY,
        /** The calling thread was interrupted while waiting. */
        INTERRUPTED
    }

    private final Reason reason;
    private final int attempts;
    private final int statusCode;

    /**
     * @param reason what kind of failure
     * @param message what failed, naming the endpoint
     * @param attempts requests made (0 if none was sent)
     * @param statusCode the last HTTP status, or 0 when none was received
     */
    public PromptRewriteException(Reason reason, String message, int attempts, int statusCode) {
        super(message);
        this.reason = reason;
        this.attempts = attempts;
        this.statusCode = statusCode;
    }

    /** As {@link #PromptRewriteException(Reason, String, int, int)}, keeping the cause. */
    public PromptRewriteException(Reason reason, String message, int attempts, int statusCode, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.attempts = attempts;
        this.statusCode = statusCode;
    }

    /** What kind of failure. */
    public Reason reason() {
        return reason;
    }

    /** Requests made, retries included. */
    public int attempts() {
        return attempts;
    }

    /** The last HTTP status received, or 0 when none was. */
    public int statusCode() {
        return statusCode;
    }
}
