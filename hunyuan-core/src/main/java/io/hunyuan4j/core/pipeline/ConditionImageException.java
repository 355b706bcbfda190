package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.HunyuanException;
import org.jspecify.annotations.Nullable;

/**
 * A conditioning image that cannot be used: not an image file, a format or colour space the SDK does not convert
 * (e.g. a CMYK JPEG), or too small. The message names the file (or "pixels") and what is expected.
 */
public class ConditionImageException extends HunyuanException {

    private static final long serialVersionUID = 1L;

    /** A rejected image; {@code cause} is the decoder's exception, if any. */
    public ConditionImageException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /** A rejected image. */
    public ConditionImageException(String message) {
        super(message);
    }
}
