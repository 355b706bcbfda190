package io.hunyuan4j.core.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * MagCache (Ma et al., diffusers' {@code MagCacheConfig}): the magnitude ratio of consecutive steps' block-stack
 * residuals is nearly constant for a model and is calibrated once ({@link #magRatios}); after the first
 * {@code retentionRatio} of the steps, steps are skipped (the latent stream gets the last computed residual
 * added back) while the accumulated error {@code sum |1 - prod ratios|} stays within {@code threshold} and at
 * most {@code maxSkipSteps} steps in a row are skipped.
 *
 * @param threshold accumulated-error budget (diffusers' default 0.06)
 * @param maxSkipSteps most consecutive skipped steps, K (default 3)
 * @param retentionRatio fraction of the first steps never skipped (default 0.2)
 * @param numInferenceSteps steps of one generation, or 0 to take the request's; the ratios are resampled
 *     (nearest) to it
 * @param magRatios per-step magnitude ratios (first entry 1.0), e.g. {@link #HUNYUAN_VIDEO_720P_RATIOS}; empty
 *     with {@code calibrate}
 * @param calibrate when true nothing is skipped and the session records the ratios of this run
 *     ({@link #calibratedRatios})
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/hooks/mag_cache.py">diffusers mag_cache.py</a>
 */
public record MagCache(double threshold, int maxSkipSteps, double retentionRatio, int numInferenceSteps,
        List<Float> magRatios, boolean calibrate) implements StepCache {

    /** diffusers' {@code MagCacheConfig.threshold} default. */
    public static final double DEFAULT_THRESHOLD = 0.06;
    /** diffusers' {@code MagCacheConfig.max_skip_steps} default. */
    public static final int DEFAULT_MAX_SKIP_STEPS = 3;
    /** diffusers' {@code MagCacheConfig.retention_ratio} default. */
    public static final double DEFAULT_RETENTION_RATIO = 0.2;

    /**
     * The MagCache authors' ratios for HunyuanVideo at 720p, 50 steps (Zehong-Ma/MagCache
     * {@code MagCache4HunyuanVideo/magcache_sample_video.py}, commit df81cb1).
     */
    public static final List<Float> HUNYUAN_VIDEO_720P_RATIOS = List.of(1.0f, 1.0754f, 1.27807f, 1.11596f,
            1.09504f, 1.05188f, 1.00844f, 1.05779f, 1.00657f, 1.04142f, 1.03101f, 1.00679f, 1.02556f, 1.00908f,
            1.06949f, 1.05438f, 1.02214f, 1.02321f, 1.03019f, 1.00779f, 1.03381f, 1.01886f, 1.01161f, 1.02968f,
            1.00544f, 1.02822f, 1.00689f, 1.02119f, 1.0105f, 1.01044f, 1.01572f, 1.02972f, 1.0094f, 1.02368f,
            1.0226f, 0.98965f, 1.01588f, 1.02146f, 1.0018f, 1.01687f, 0.99436f, 1.00283f, 1.01139f, 0.97122f,
            0.98251f, 0.94513f, 0.97656f, 0.90943f, 0.85703f, 0.75456f);

    /** Checks the settings. */
    public MagCache {
        magRatios = List.copyOf(magRatios);
        if (!(threshold >= 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("MagCache threshold must be a finite number >= 0 but is " + threshold);
        }
        if (maxSkipSteps < 0) {
            throw new IllegalArgumentException("MagCache maxSkipSteps must be >= 0 but is " + maxSkipSteps);
        }
        if (!(retentionRatio >= 0 && retentionRatio <= 1)) {
            throw new IllegalArgumentException("MagCache retentionRatio must be in [0, 1] but is " + retentionRatio);
        }
        if (numInferenceSteps < 0) {
            throw new IllegalArgumentException("MagCache numInferenceSteps must be >= 0 (0: the request's) but is "
                    + numInferenceSteps);
        }
        if (magRatios.isEmpty() && !calibrate) {
            throw new IllegalArgumentException("MagCache needs magRatios (model-dependent, e.g."
                    + " HUNYUAN_VIDEO_720P_RATIOS) or calibrate = true to measure them");
        }
    }

    /** The settings, with the ratios summarised by their count. */
    @Override
    public String toString() {
        return "MagCache[threshold=" + threshold + ", maxSkipSteps=" + maxSkipSteps + ", retentionRatio="
                + retentionRatio + ", numInferenceSteps=" + (numInferenceSteps == 0 ? "request" : numInferenceSteps)
                + ", magRatios=" + magRatios.size() + " values" + (calibrate ? ", calibrate" : "") + "]";
    }

    /** HunyuanVideo's published ratios with diffusers' default threshold, K and retention. */
    public static MagCache hunyuanVideo() {
        return new MagCache(DEFAULT_THRESHOLD, DEFAULT_MAX_SKIP_STEPS, DEFAULT_RETENTION_RATIO, 0,
                HUNYUAN_VIDEO_720P_RATIOS, false);
    }

    /** Calibration: nothing is skipped; {@link #calibratedRatios} gives this run's ratios. */
    public static MagCache calibration() {
        return new MagCache(DEFAULT_THRESHOLD, DEFAULT_MAX_SKIP_STEPS, DEFAULT_RETENTION_RATIO, 0, List.of(), true);
    }

    /** diffusers' {@code nearest_interp}: the ratios resampled to {@code target} steps. */
    static float[] nearestInterp(List<Float> src, int target) {
        int n = src.size();
        if (target == 1) {
            return new float[] {src.get(n - 1)};
        }
        float scale = (float) ((n - 1) / (double) (target - 1));
        float[] out = new float[target];
        for (int i = 0; i < target; i++) {
            // torch.round of a float32 product: half to even
            out[i] = src.get((int) Math.rint((float) i * scale));
        }
        return out;
    }

    /** {@inheritDoc} */
    @Override
    public CacheSession session(int requestSteps) {
        int steps = numInferenceSteps > 0 ? numInferenceSteps : requestSteps;
        if (steps <= 0) {
            throw new IllegalArgumentException("MagCache needs a positive step count but got " + steps);
        }
        float[] ratios = calibrate ? new float[0]
                : magRatios.size() == steps ? toArray(magRatios) : nearestInterp(magRatios, steps);
        return new CacheSession(this, s -> new State(s, steps, ratios));
    }

    private static float[] toArray(List<Float> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    /**
     * The ratios a {@link #calibration()} session measured in {@code context}: {@code mean(|r_t| / (|r_{t-1}| +
     * 1e-8))} over tokens for each computed step, 1.0 first (diffusers' calibration). Empty for other sessions.
     */
    public static List<Float> calibratedRatios(CacheSession session, String context) {
        if (session.context(context) instanceof State s) {
            return Collections.unmodifiableList(new ArrayList<>(s.lastCalibration));
        }
        return List.of();
    }

    /** diffusers' {@code MagCacheState} with the head and tail hooks' logic. */
    private final class State extends CacheContext {
        private final int steps;
        private final float[] ratios;
        private @Nullable NDArray previousResidual;
        private float accumulatedRatio = 1f;
        private float accumulatedErr;
        private int accumulatedSteps;
        private int stepIndex;
        private List<Float> calibration = new ArrayList<>();
        private List<Float> lastCalibration = new ArrayList<>();

        State(CacheSession session, int steps, float[] ratios) {
            super(session);
            this.steps = steps;
            this.ratios = ratios;
        }

        @Override
        protected BlockStreams decideAndRun(BlockStack stack, BlockStreams in) {
            boolean shouldCompute = true;
            if (!calibrate) {
                int currentStep = stepIndex;
                // the ratios are a float32 tensor in diffusers: the accumulators become float32 tensors
                float currentScale = currentStep >= ratios.length ? 1f : ratios[currentStep];
                int retentionStep = (int) (retentionRatio * steps + 0.5);
                if (currentStep >= retentionStep) {
                    accumulatedRatio *= currentScale;
                    accumulatedSteps += 1;
                    accumulatedErr += Math.abs(1f - accumulatedRatio);
                    if (previousResidual != null && accumulatedErr <= (float) threshold
                            && accumulatedSteps <= maxSkipSteps) {
                        shouldCompute = false;
                    } else {
                        accumulatedRatio = 1f;
                        accumulatedSteps = 0;
                        accumulatedErr = 0f;
                    }
                }
            }
            NDArray cached = previousResidual;
            if (!shouldCompute && cached != null) {
                countSkipped();
                NDArray hidden = in.hiddenStates().add(cached);
                in.hiddenStates().close();
                advance();
                return new BlockStreams(hidden, in.encoderHiddenStates());
            }
            countComputed();
            NDArray headInput = in.hiddenStates().duplicate();
            BlockStreams out = stack.run(0, stack.size(), in);
            NDArray residual = out.hiddenStates().sub(headInput);
            headInput.close();
            if (calibrate) {
                calibration.add(previousResidual == null ? 1f : normRatio(residual, previousResidual));
            }
            previousResidual = keep(previousResidual, residual);
            advance();
            return out;
        }

        private void advance() {
            stepIndex++;
            if (stepIndex >= steps) {
                stepIndex = 0;
                accumulatedRatio = 1f;
                accumulatedSteps = 0;
                accumulatedErr = 0f;
                if (previousResidual != null) {
                    previousResidual.close();
                    previousResidual = null;
                }
                lastCalibration = calibration;
                calibration = new ArrayList<>();
            }
        }

        /** {@code (norm(curr, dim=-1) / (norm(prev, dim=-1) + 1e-8)).mean()} in float32. */
        private static float normRatio(NDArray current, NDArray previous) {
            try (NDManager scratch = current.getManager().newSubManager()) {
                NDArray c = io.hunyuan4j.core.ops.F.toFloat32(current);
                NDArray p = io.hunyuan4j.core.ops.F.toFloat32(previous);
                NDArray cn = c.square().sum(new int[] {-1}).sqrt();
                cn.attach(scratch);
                NDArray pn = p.square().sum(new int[] {-1}).sqrt();
                pn.attach(scratch);
                NDArray r = cn.div(pn.add(1e-8f)).mean();
                r.attach(scratch);
                return r.getFloat();
            }
        }
    }
}
