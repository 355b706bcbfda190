package io.hunyuan4j.core.cache;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * TeaCache (Liu et al., "Timestep Embedding Tells: It's Time to Cache for Video Diffusion Model") as its authors
 * wrote it for HunyuanVideo: the first block's modulated input {@code norm1(hidden_states, temb)} is compared with
 * the previous step's (relative L1 distance), rescaled by a polynomial fitted to the model, and accumulated; while
 * the sum stays below {@code relL1Threshold} the block stack is skipped and the latent stream gets the last
 * computed residual added back. The first and the last step always run, and the sum restarts after each computed
 * step.
 *
 * @param relL1Threshold accumulated rescaled distance below which a step is skipped (the authors: 0.1 for ~1.6x,
 *     0.15 for ~2.1x)
 * @param coefficients the rescale polynomial, highest power first ({@code numpy.poly1d} order), e.g.
 *     {@link #HUNYUAN_VIDEO_COEFFICIENTS}
 * @param numSteps steps of one generation, or 0 to take the request's
 * @see <a href="https://github.com/ali-vilab/TeaCache/blob/7c10efc4702c6b619f47805f7abe4a7a08085aa0/TeaCache4HunyuanVideo/teacache_sample_video.py">TeaCache4HunyuanVideo</a>
 */
public record TeaCache(double relL1Threshold, List<Double> coefficients, int numSteps) implements StepCache {

    /** The authors' threshold for a ~1.6x speed-up on HunyuanVideo. */
    public static final double DEFAULT_THRESHOLD = 0.1;

    /** The rescale polynomial the TeaCache authors fitted for HunyuanVideo (ali-vilab/TeaCache, commit 7c10efc). */
    public static final List<Double> HUNYUAN_VIDEO_COEFFICIENTS = List.of(7.33226126e+02, -4.01131952e+02,
            6.75869174e+01, -3.14987800e+00, 9.61237896e-02);

    /** Checks the settings. */
    public TeaCache {
        coefficients = List.copyOf(coefficients);
        if (!(relL1Threshold >= 0) || Double.isInfinite(relL1Threshold)) {
            throw new IllegalArgumentException("TeaCache relL1Threshold must be a finite number >= 0 but is "
                    + relL1Threshold);
        }
        if (coefficients.isEmpty()) {
            throw new IllegalArgumentException("TeaCache needs at least one polynomial coefficient");
        }
        if (numSteps < 0) {
            throw new IllegalArgumentException("TeaCache numSteps must be >= 0 (0: the request's) but is " + numSteps);
        }
    }

    /** HunyuanVideo's polynomial with {@code relL1Threshold}. */
    public static TeaCache hunyuanVideo(double relL1Threshold) {
        return new TeaCache(relL1Threshold, HUNYUAN_VIDEO_COEFFICIENTS, 0);
    }

    /** HunyuanVideo's polynomial at the default threshold {@value #DEFAULT_THRESHOLD}. */
    public static TeaCache hunyuanVideo() {
        return hunyuanVideo(DEFAULT_THRESHOLD);
    }

    /** {@code numpy.poly1d(coefficients)(x)}. */
    public double rescale(double x) {
        double y = 0;
        for (double c : coefficients) {
            y = y * x + c;
        }
        return y;
    }

    /** {@inheritDoc} */
    @Override
    public CacheSession session(int requestSteps) {
        int steps = numSteps > 0 ? numSteps : requestSteps;
        if (steps <= 0) {
            throw new IllegalArgumentException("TeaCache needs a positive step count but got " + steps);
        }
        return new CacheSession(this, s -> new State(s, steps));
    }

    /**
     * The decision rule alone: whether step {@code cnt} of {@code steps} computes, given the accumulated distance
     * before it and this step's relative L1 distance; returns the new accumulated value in {@code acc[0]}.
     */
    boolean shouldCalc(int cnt, int steps, double[] acc, double relL1) {
        if (cnt == 0 || cnt == steps - 1) {
            acc[0] = 0;
            return true;
        }
        acc[0] += rescale(relL1);
        if (acc[0] < relL1Threshold) {
            return false;
        }
        acc[0] = 0;
        return true;
    }

    /** The per-context state of the authors' {@code teacache_forward}. */
    private final class State extends CacheContext {
        private final int steps;
        private final double[] accumulated = {0};
        private int cnt;
        private @Nullable NDArray previousModulatedInput;
        private @Nullable NDArray previousResidual;

        State(CacheSession session, int steps) {
            super(session);
            this.steps = steps;
        }

        @Override
        protected BlockStreams decideAndRun(BlockStack stack, BlockStreams in) {
            NDArray modulated = stack.modulatedInput(in.hiddenStates());
            double rel = cnt == 0 || cnt == steps - 1 || previousModulatedInput == null ? 0
                    : relativeL1(modulated, previousModulatedInput);
            boolean shouldCalc = shouldCalc(cnt, steps, accumulated, rel) || previousResidual == null;
            previousModulatedInput = keep(previousModulatedInput, modulated);
            cnt++;
            if (cnt == steps) {
                cnt = 0;
            }
            NDArray cached = previousResidual;
            if (!shouldCalc && cached != null) {
                countSkipped();
                NDArray hidden = in.hiddenStates().add(cached);
                in.hiddenStates().close();
                return new BlockStreams(hidden, in.encoderHiddenStates());
            }
            countComputed();
            NDArray original = in.hiddenStates().duplicate();
            BlockStreams out = stack.run(0, stack.size(), in);
            previousResidual = keep(previousResidual, out.hiddenStates().sub(original));
            original.close();
            return out;
        }
    }
}
