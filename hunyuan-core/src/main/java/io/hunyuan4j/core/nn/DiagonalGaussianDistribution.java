package io.hunyuan4j.core.nn;

import io.hunyuan4j.core.ops.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.random.RandomGenerator;

/**
 * The encoder's posterior {@code N(mean, exp(logvar))}, split from the moments along the channel axis, with the
 * log-variance clamped to [-30, 20]. Its arrays live in the moments' manager.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/vae.py#L687">diffusers DiagonalGaussianDistribution</a>
 */
public final class DiagonalGaussianDistribution {

    /** diffusers' clamp of the log-variance. */
    public static final float LOGVAR_MIN = -30f;
    /** diffusers' clamp of the log-variance. */
    public static final float LOGVAR_MAX = 20f;

    private final NDArray parameters;
    private final NDArray mean;
    private final NDArray logvar;
    private final NDArray std;
    private final NDArray var;

    /**
     * Splits the moments.
     *
     * @param parameters {@code quant_conv} output [B, 2 L, T', H', W'], float32: channels [0, L) are the mean,
     *     [L, 2 L) the raw log-variance
     */
    public DiagonalGaussianDistribution(NDArray parameters) {
        if (parameters.getShape().dimension() < 2 || parameters.getShape().get(1) % 2 != 0) {
            throw new IllegalArgumentException("parameters: shape " + parameters.getShape()
                    + " must have an even channel axis 1 (mean and logvar)");
        }
        long channels = parameters.getShape().get(1);
        this.parameters = parameters;
        // mean, logvar = torch.chunk(parameters, 2, dim=1)
        this.mean = parameters.get(new NDIndex(":, :{}", channels / 2));
        this.logvar = parameters.get(new NDIndex(":, {}:", channels / 2)).clip(LOGVAR_MIN, LOGVAR_MAX);
        this.std = logvar.mul(0.5f).exp();
        this.var = logvar.exp();
    }

    /** The moments the distribution was built from [B, 2 L, ...]. */
    public NDArray parameters() {
        return parameters;
    }

    /** The mean [B, L, ...]. */
    public NDArray mean() {
        return mean;
    }

    /** The clamped log-variance [B, L, ...]. */
    public NDArray logvar() {
        return logvar;
    }

    /** {@code exp(0.5 * logvar)} [B, L, ...]. */
    public NDArray std() {
        return std;
    }

    /** {@code exp(logvar)} [B, L, ...]. */
    public NDArray var() {
        return var;
    }

    /** The most likely latent: the mean. */
    public NDArray mode() {
        return mean;
    }

    /**
     * Draws {@code mean + std * eps} with {@code eps ~ N(0, 1)} from a host-side generator, so a seed gives the
     * same latents on every device. (torch's {@code randn} stream is not reproduced: pass latents explicitly for
     * parity with a Python run.)
     *
     * @param generator e.g. {@code new SplittableRandom(seed)}; consumed in row-major order of the mean
     */
    public NDArray sample(RandomGenerator generator) {
        Shape shape = mean.getShape();
        float[] noise = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) generator.nextGaussian();
        }
        return Scoped.apply(mean, m -> {
            NDArray eps = HostArrays.floats(m.getManager(), noise, shape).toType(m.getDataType(), false);
            return m.add(eps.mul(std));
        });
    }

    /**
     * {@code mean + std * noise} with the caller's standard-normal draw, e.g. the noise a Python run recorded
     * (diffusers' {@code sample(generator)} is this with {@code randn_tensor(mean.shape, generator)}).
     *
     * @param noise the mean's shape; cast to the mean's dtype
     * @return the latent, in the mean's manager
     * @throws IllegalArgumentException if the noise has another shape
     */
    public NDArray sample(NDArray noise) {
        if (!noise.getShape().equals(mean.getShape())) {
            throw new IllegalArgumentException("noise: shape " + noise.getShape() + " must equal the mean's "
                    + mean.getShape());
        }
        return Scoped.keep(() -> mean.add(noise.toType(mean.getDataType(), false).mul(std)), mean, noise);
    }

    /** Shape of a latent drawn from this distribution. */
    public Shape latentShape() {
        return mean.getShape();
    }
}
