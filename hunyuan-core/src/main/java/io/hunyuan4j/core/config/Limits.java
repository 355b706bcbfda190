package io.hunyuan4j.core.config;

/**
 * Upper bounds on the sizes a {@code config.json} may ask for, checked before anything is built from them, so a
 * typo such as {@code "num_layers": 1e9} fails at once with the key named instead of building a billion blocks
 * until the heap is gone. Each bound is far above any published checkpoint (HunyuanVideo: 20 + 40 DiT blocks of
 * width 3072; its Llama: 32 layers, width 4096, FFN 14336, vocabulary 128320; Llama 3.1 405B: 126 layers, width
 * 16384, FFN 53248).
 */
public final class Limits {

    /** Blocks or layers of one kind. */
    public static final int MAX_LAYERS = 1024;
    /** Hidden sizes, embedding widths and channel counts. */
    public static final int MAX_WIDTH = 1 << 16;
    /** Feed-forward (MLP) widths. */
    public static final int MAX_FFN_WIDTH = 1 << 20;
    /** Attention heads. */
    public static final int MAX_HEADS = 1024;
    /** Channels per attention head. */
    public static final int MAX_HEAD_DIM = 1024;
    /** Vocabulary entries. */
    public static final int MAX_VOCAB = 1 << 24;
    /** Positions of a learned or rotary position table. */
    public static final int MAX_POSITIONS = 1 << 24;
    /** Ratios such as {@code mlp_ratio}. */
    public static final float MAX_RATIO = 64f;
    /** Patch sizes and compression factors. */
    public static final int MAX_PATCH = 64;

    private Limits() {}

    /**
     * Fails unless {@code min <= value <= max}.
     *
     * @throws IllegalArgumentException {@code "<key> must be in [min, max] but is <value>"}
     */
    public static int require(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "] but is " + value);
        }
        return value;
    }

    /**
     * Fails unless {@code value} is finite and {@code min < value <= max} ({@code min} itself excluded).
     *
     * @throws IllegalArgumentException {@code "<key> must be in (min, max] but is <value>"}
     */
    public static double requireAbove(String key, double value, double min, double max) {
        if (!(value > min && value <= max)) {
            throw new IllegalArgumentException(key + " must be in (" + min + ", " + max + "] but is " + value);
        }
        return value;
    }
}
