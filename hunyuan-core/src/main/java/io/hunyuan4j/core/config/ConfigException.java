package io.hunyuan4j.core.config;

import io.hunyuan4j.core.HunyuanException;

/** A config.json that cannot be used: names the file and the key. */
public final class ConfigException extends HunyuanException {
    private static final long serialVersionUID = 1L;

    /** A bad config, described by {@code message} (which names the file and the key). */
    public ConfigException(String message) {
        super(message);
    }

    /** A bad config, described by {@code message}, found through {@code cause}. */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
