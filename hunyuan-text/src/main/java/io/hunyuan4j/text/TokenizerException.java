package io.hunyuan4j.text;

import io.hunyuan4j.core.HunyuanException;

/** A tokenizer folder or file is missing, malformed or unsupported; the message names the file. */
public final class TokenizerException extends HunyuanException {

    private static final long serialVersionUID = 1L;

    /** A bad tokenizer file or input, described by {@code message}. */
    public TokenizerException(String message) {
        super(message);
    }

    /** As the one-argument constructor, found through {@code cause}. */
    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
