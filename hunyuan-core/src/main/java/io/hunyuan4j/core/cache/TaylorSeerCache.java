package io.hunyuan4j.core.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * TaylorSeer (Liu et al., "From Reusing to Forecasting", diffusers' {@code TaylorSeerCacheConfig} with
 * {@code use_lite_mode=True}): the output projection ({@code proj_out}) is computed on refresh steps and, in
 * between, forecast by a Taylor series whose derivatives are divided differences of the last refreshes; on
 * forecast steps no transformer block runs (the lite mode's "inactive" blocks). The first
 * {@code disableCacheBeforeStep} steps compute, then every {@code cacheInterval}-th step; with
 * {@code disableCacheAfterStep} set, every step from there on computes.
 *
 * <p>The factors are kept in float32 (diffusers defaults {@code taylor_factors_dtype} to bf16); the attention-level
 * mode (diffusers' default patterns, forecasting each {@code attn} output while the rest of every block runs) is
 * not provided: it saves only the attention and keeps every block's weights in use.
 *
 * @param cacheInterval steps between refreshes (default 5)
 * @param disableCacheBeforeStep steps computed first (default 3)
 * @param disableCacheAfterStep step from which every step computes, or -1 for none (default)
 * @param maxOrder highest Taylor order (default 1)
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/hooks/taylorseer_cache.py">diffusers taylorseer_cache.py</a>
 */
public record TaylorSeerCache(int cacheInterval, int disableCacheBeforeStep, int disableCacheAfterStep, int maxOrder)
        implements StepCache {

    /** Checks the settings. */
    public TaylorSeerCache {
        if (cacheInterval < 1) {
            throw new IllegalArgumentException("TaylorSeer cacheInterval must be >= 1 but is " + cacheInterval);
        }
        if (disableCacheBeforeStep < 0) {
            throw new IllegalArgumentException("TaylorSeer disableCacheBeforeStep must be >= 0 but is "
                    + disableCacheBeforeStep);
        }
        if (disableCacheAfterStep < -1) {
            throw new IllegalArgumentException("TaylorSeer disableCacheAfterStep must be >= 0, or -1 for none, but is "
                    + disableCacheAfterStep);
        }
        if (maxOrder < 0) {
            throw new IllegalArgumentException("TaylorSeer maxOrder must be >= 0 but is " + maxOrder);
        }
    }

    /** diffusers' defaults: interval 5, 3 warm-up steps, no cool-down, first order. */
    public static TaylorSeerCache defaults() {
        return new TaylorSeerCache(5, 3, -1, 1);
    }

    /** {@inheritDoc} */
    @Override
    public CacheSession session(int numInferenceSteps) {
        return new CacheSession(this, State::new);
    }

    /** Whether forward pass {@code step} (0-based, per context) computes: diffusers' {@code _measure_should_compute}. */
    public boolean shouldCompute(int step) {
        boolean warmup = step < disableCacheBeforeStep;
        boolean computeInterval = Math.floorMod(step - disableCacheBeforeStep - 1, cacheInterval) == 0;
        boolean cooldown = disableCacheAfterStep >= 0 && step >= disableCacheAfterStep;
        return warmup || computeInterval || cooldown;
    }

    /** diffusers' {@code TaylorSeerState} of {@code proj_out}, with the shared step counter of the lite hooks. */
    private final class State extends CacheContext {
        private int currentStep = -1;
        private int lastUpdateStep = -1;
        private boolean compute;
        private List<NDArray> factors = new ArrayList<>();

        State(CacheSession session) {
            super(session);
        }

        @Override
        protected BlockStreams decideAndRun(BlockStack stack, BlockStreams in) {
            currentStep++;
            compute = shouldCompute(currentStep);
            if (compute) {
                countComputed();
                return stack.run(0, stack.size(), in);
            }
            if (factors.isEmpty()) {
                throw new IllegalStateException("TaylorSeer cannot forecast step " + currentStep
                        + " before any computed step (disableCacheBeforeStep " + disableCacheBeforeStep + ")");
            }
            countSkipped();
            return in; // the blocks' outputs are not used on a forecast step
        }

        @Override
        public NDArray output(Supplier<NDArray> projOut, NDManager manager) {
            if (compute) {
                NDArray out = projOut.get();
                update(out);
                return out;
            }
            int offset = currentStep - lastUpdateStep;
            NDArray result = factors.get(0).duplicate();
            for (int order = 1; order < factors.size(); order++) {
                double coeff = Math.pow(offset, order) / factorial(order);
                NDArray term = factors.get(order).mul((float) coeff);
                NDArray next = result.add(term);
                term.close();
                result.close();
                result = next;
            }
            result.attach(manager);
            return result;
        }

        private void update(NDArray features) {
            List<NDArray> next = new ArrayList<>();
            next.add(keep(null, io.hunyuan4j.core.ops.F.toFloat32(features).duplicate()));
            if (lastUpdateStep >= 0) {
                int delta = currentStep - lastUpdateStep;
                for (int j = 0; j < maxOrder && j < factors.size(); j++) {
                    next.add(keep(null, next.get(j).sub(factors.get(j)).div((float) delta)));
                }
            }
            for (NDArray f : factors) {
                f.close();
            }
            factors = next;
            lastUpdateStep = currentStep;
        }

        private static double factorial(int n) {
            double f = 1;
            for (int i = 2; i <= n; i++) {
                f *= i;
            }
            return f;
        }
    }
}
