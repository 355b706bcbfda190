package io.hunyuan4j.core.config;

import io.hunyuan4j.core.HunyuanException;

/** A config.json that cannot be used: names the file and the key. */
public final class ConfigException extends HunyuanException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
