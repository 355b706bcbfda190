package io.hunyuan4j.core.pipeline;

/** A generation stage failed in the engine; the message names the stage, the cause is kept. */
public class HunyuanException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public HunyuanException(String message, Throwable cause) {
        super(message, cause);
    }

    public HunyuanException(String message) {
        super(message);
    }
}
