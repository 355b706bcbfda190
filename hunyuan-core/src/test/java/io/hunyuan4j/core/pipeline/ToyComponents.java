package io.hunyuan4j.core.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.Denoiser;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.api.PromptEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Small real implementations of the pipeline's component interfaces, computing closed-form results with DJL
 * ops (no mocks): a flow-matching velocity toward a point target, a text hash encoder, and a nearest-neighbour
 * "VAE".
 */
final class ToyComponents {

    static final int CHANNELS = 4;

    private ToyComponents() {}

    /** The scalar target a prompt leads to: the mean of its pooled embedding. */
    static float target(String prompt) {
        float[] pooled = ToyEncoder.pooled(prompt);
        float s = 0;
        for (float p : pooled) {
            s += p;
        }
        return s / pooled.length;
    }

    /**
     * {@code v = k * (x - target) / sigma}, target = mean(pooled): with k = 1 the exact flow velocity of a
     * point-mass data distribution, so Euler lands exactly on the target; with k != 1 the result depends on
     * the noise.
     */
    static final class ToyDenoiser implements Denoiser {
        final float k;
        final AtomicInteger forwards = new AtomicInteger();
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger maxActive = new AtomicInteger();
        final List<Float> guidances = new ArrayList<>();
        final List<Float> timesteps = new ArrayList<>();
        final List<NDArray> samples = new ArrayList<>();
        volatile long sleepMillis;
        volatile boolean closed;

        ToyDenoiser(float k) {
            this.k = k;
        }

        @Override
        public NDArray forward(DenoiserInput in) {
            int now = active.incrementAndGet();
            maxActive.accumulateAndGet(now, Math::max);
            try {
                if (sleepMillis > 0) {
                    Thread.sleep(sleepMillis);
                }
                forwards.incrementAndGet();
                synchronized (this) {
                    timesteps.add(in.timestep().getFloat(0));
                    guidances.add(in.guidance() == null ? Float.NaN : in.guidance().getFloat(0));
                    samples.add(in.hiddenStates());
                }
                float sigma = in.timestep().getFloat(0) / 1000f;
                NDArray target = in.pooledProjections().mean(); // scalar
                return in.hiddenStates().sub(target).mul(k / sigma);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                active.decrementAndGet();
            }
        }

        @Override
        public int inChannels() {
            return CHANNELS;
        }

        @Override
        public int patchSize() {
            return 2;
        }

        @Override
        public int patchSizeT() {
            return 1;
        }

        @Override
        public boolean guidanceEmbeds() {
            return true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Embeddings from the prompt's bytes: [1, 4, 8], mask [1, 4], pooled [1, 6]. */
    static final class ToyEncoder implements PromptEncoder {
        final AtomicInteger encodes = new AtomicInteger();
        volatile boolean closed;

        static float[] pooled(String prompt) {
            byte[] b = prompt.getBytes(StandardCharsets.UTF_8);
            float[] p = new float[6];
            for (int i = 0; i < p.length; i++) {
                p[i] = b.length == 0 ? 0f : ((b[i % b.length] & 0xff) % 17) / 17f - 0.5f;
            }
            return p;
        }

        @Override
        public PromptEmbeds encode(List<String> prompts, NDManager manager) {
            if (closed) {
                throw new IllegalStateException("encoder closed");
            }
            encodes.incrementAndGet();
            String p = prompts.get(0);
            NDArray embeds = manager.arange(32f).reshape(1, 4, 8).mul(p.length() / 100f);
            NDArray mask = manager.create(new long[] {1, 1, 1, 0}, new Shape(1, 4));
            NDArray pooled = manager.create(pooled(p), new Shape(1, 6));
            return new PromptEmbeds(embeds, mask, pooled, List.of(0));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /**
     * Nearest-neighbour upsampling of the first 3 latent channels by 4 in time (first frame once) and 8 in
     * space, times the scaling factor, so the video equals the latents' values.
     */
    static class ToyDecoder implements LatentDecoder {
        final AtomicInteger decodes = new AtomicInteger();
        volatile boolean closed;

        @Override
        public NDArray decode(NDArray latents) {
            decodes.incrementAndGet();
            NDArray x = latents.get(":, 0:3").mul(scalingFactor());
            NDArray up = x.repeat(3, 8).repeat(4, 8);
            if (up.getShape().get(2) == 1) {
                return up;
            }
            return NDArrays.concat(new NDList(up.get(":, :, 0:1"), up.get(":, :, 1:").repeat(2, 4)), 2);
        }

        @Override
        public float scalingFactor() {
            return 0.5f;
        }

        @Override
        public int latentChannels() {
            return CHANNELS;
        }

        @Override
        public int temporalCompression() {
            return 4;
        }

        @Override
        public int spatialCompression() {
            return 8;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
