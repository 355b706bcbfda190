package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.DenoiserInput;

/** Seeded inputs shaped like the diffusers unit test's for a config. */
final class TinyInputs {

    private TinyInputs() {}

    /**
     * @param frames latent frames
     * @param size latent height = width
     * @param textLen L
     * @param valid valid text tokens (the rest is trailing padding)
     */
    static DenoiserInput of(NDManager m, TransformerConfig c, long frames, long size, int textLen, int valid) {
        m.getEngine().setRandomSeed(1234);
        NDArray hidden = m.randomNormal(new Shape(1, c.inChannels(), frames, size, size));
        NDArray text = m.randomNormal(new Shape(1, textLen, c.textEmbedDim()));
        long[] mask = new long[textLen];
        for (int i = 0; i < valid; i++) {
            mask[i] = 1;
        }
        NDArray pooled = m.randomNormal(new Shape(1, c.pooledProjectionDim()));
        return new DenoiserInput(hidden, m.create(new float[] {700f}), text, m.create(mask, new Shape(1, textLen)),
                pooled, c.guidanceEmbeds() ? m.create(new float[] {6000f}) : null);
    }

    /** A copy of {@code in} with the mask replaced. */
    static DenoiserInput withMask(DenoiserInput in, NDArray mask) {
        return new DenoiserInput(in.hiddenStates(), in.timestep(), in.encoderHiddenStates(), mask,
                in.pooledProjections(), in.guidance());
    }
}
