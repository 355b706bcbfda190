package io.hunyuan4j.text;

/** A tokenizer folder or file is missing, malformed or unsupported; the message names the file. */
public final class TokenizerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
