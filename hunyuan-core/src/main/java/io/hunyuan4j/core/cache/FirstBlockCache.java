package io.hunyuan4j.core.cache;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * First-Block Cache (ParaAttention's FBCache, diffusers' {@code FirstBlockCacheConfig}): the first block always
 * runs; when its residual ({@code output - input} of the latent stream) changed, relative to the residual of the
 * last computed step, by at most {@code threshold} in mean absolute value, the other blocks are skipped and their
 * last residuals (both streams, from the first block's output to the last block's) are added back.
 *
 * @param threshold the relative change below which the remaining blocks are skipped (diffusers' default 0.05)
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/hooks/first_block_cache.py">diffusers first_block_cache.py</a>
 */
public record FirstBlockCache(double threshold) implements StepCache {

    /** diffusers' {@code FirstBlockCacheConfig.threshold} default. */
    public static final double DEFAULT_THRESHOLD = 0.05;

    /** Checks the threshold. */
    public FirstBlockCache {
        if (!(threshold >= 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("FirstBlockCache threshold must be a finite number >= 0 but is "
                    + threshold);
        }
    }

    /** The default threshold, {@value #DEFAULT_THRESHOLD}. */
    public static FirstBlockCache defaults() {
        return new FirstBlockCache(DEFAULT_THRESHOLD);
    }

    /** {@inheritDoc} */
    @Override
    public CacheSession session(int numInferenceSteps) {
        return new CacheSession(this, State::new);
    }

    /** diffusers' {@code FBCSharedBlockState} with the head and block hooks' logic. */
    private final class State extends CacheContext {
        private @Nullable NDArray headBlockResidual;
        private @Nullable NDArray tailHidden;
        private @Nullable NDArray tailEncoder;

        State(CacheSession session) {
            super(session);
        }

        @Override
        protected BlockStreams decideAndRun(BlockStack stack, BlockStreams in) {
            NDArray originalHidden = in.hiddenStates().duplicate();
            BlockStreams head = stack.run(0, 1, in);
            NDArray residual = head.hiddenStates().sub(originalHidden);
            originalHidden.close();
            boolean shouldCompute = headBlockResidual == null
                    || relativeL1(residual, headBlockResidual) > threshold;
            NDArray cachedHidden = tailHidden;
            NDArray cachedEncoder = tailEncoder;
            if (!shouldCompute && cachedHidden != null && cachedEncoder != null) {
                residual.close();
                countSkipped();
                return new BlockStreams(head.hiddenStates().add(cachedHidden),
                        head.encoderHiddenStates().add(cachedEncoder));
            }
            headBlockResidual = keep(headBlockResidual, residual);
            countComputed();
            if (stack.size() == 1) {
                return head;
            }
            NDArray headHidden = head.hiddenStates().duplicate();
            NDArray headEncoder = head.encoderHiddenStates().duplicate();
            BlockStreams out = stack.run(1, stack.size(), head);
            tailHidden = keep(tailHidden, out.hiddenStates().sub(headHidden));
            tailEncoder = keep(tailEncoder, out.encoderHiddenStates().sub(headEncoder));
            headHidden.close();
            headEncoder.close();
            return out;
        }
    }
}
