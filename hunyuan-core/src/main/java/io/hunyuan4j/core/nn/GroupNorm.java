package io.hunyuan4j.core.nn;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;

/**
 * {@code torch.nn.GroupNorm(num_groups, num_channels, eps, affine=True)}: {@code weight [C]}, {@code bias [C]}.
 * Statistics span the group's channels and every frame and pixel of the input, which is why tiled or
 * frame-batched decoding differs from a single pass.
 *
 * @see <a href="https://pytorch.org/docs/stable/generated/torch.nn.GroupNorm.html">torch.nn.GroupNorm</a>
 */
public final class GroupNorm {

    private final Parameter weight;
    private final Parameter bias;
    private final int numGroups;
    private final float eps;

    /**
     * Binds {@code weight [C]} and {@code bias [C]} under {@code w}.
     *
     * @param numGroups G, dividing {@code numChannels}
     * @param numChannels C
     * @param eps added to the variance
     */
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
