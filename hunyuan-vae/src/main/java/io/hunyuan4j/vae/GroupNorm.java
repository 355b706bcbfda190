package io.hunyuan4j.vae;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;

/**
 * {@code torch.nn.GroupNorm(num_groups, num_channels, eps, affine=True)}: {@code weight [C]}, {@code bias [C]}.
 * Statistics span the group's channels and every frame and pixel, which is why tiled decoding differs from
 * full decoding. Public for the 2D {@code AutoencoderKL} in {@code io.hunyuan4j.vae.kl}.
 *
 * @see <a href="https://pytorch.org/docs/stable/generated/torch.nn.GroupNorm.html">torch.nn.GroupNorm</a>
 */
public final class GroupNorm {

    private final Parameter weight;
    private final Parameter bias;
    private final int numGroups;
    private final float eps;

    /** Binds {@code weight [C]} and {@code bias [C]} under {@code w}. */
    public GroupNorm(StateDict w, int numGroups, int numChannels, float eps) {
        this.weight = w.take("weight", numChannels);
        this.bias = w.take("bias", numChannels);
        this.numGroups = numGroups;
        this.eps = eps;
    }

    /**
     * Normalises.
     *
     * @param x [B, C, *]
     */
    public NDArray forward(NDArray x) {
        return F.groupNorm(x, numGroups, weight.array(), bias.array(), eps);
    }
}
