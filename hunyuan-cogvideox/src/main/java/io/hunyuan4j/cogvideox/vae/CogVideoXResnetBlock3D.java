package io.hunyuan4j.cogvideox.vae;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.GroupNorm;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * Pre-activation residual block {@code conv2(silu(norm2(conv1(silu(norm1(x)))))) + shortcut(x)} with causal 3x3x3
 * convolutions; the norms are GroupNorms (encoder) or {@link CogVideoXSpatialNorm3D} conditioned on the latent
 * batch (decoder). When the width changes the shortcut is a plain 1x1x1 convolution ({@code conv_shortcut.*}).
 * The VAE builds it without a time embedding ({@code temb_channels=0}: no {@code temb_proj}); dropout is the
 * identity at inference.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_cogvideox.py#L200">diffusers CogVideoXResnetBlock3D</a>
 */
final class CogVideoXResnetBlock3D {

    private final @Nullable GroupNorm groupNorm1;
    private final @Nullable GroupNorm groupNorm2;
    private final @Nullable CogVideoXSpatialNorm3D spatialNorm1;
    private final @Nullable CogVideoXSpatialNorm3D spatialNorm2;
    private final CogVideoXCausalConv3d conv1;
    private final CogVideoXCausalConv3d conv2;
    private final @Nullable CogVideoXSafeConv3d convShortcut;

    /**
     * @param eps the GroupNorms' eps (spatial norms use theirs)
     * @param spatialNormDim the latent channels for spatial norms (decoder), or null for GroupNorms (encoder)
     */
    CogVideoXResnetBlock3D(StateDict w, int inChannels, int outChannels, int groups, float eps,
            @Nullable Integer spatialNormDim) {
        if (spatialNormDim == null) {
            this.groupNorm1 = new GroupNorm(w.child("norm1"), groups, inChannels, eps);
            this.groupNorm2 = new GroupNorm(w.child("norm2"), groups, outChannels, eps);
            this.spatialNorm1 = null;
            this.spatialNorm2 = null;
        } else {
            this.groupNorm1 = null;
            this.groupNorm2 = null;
            this.spatialNorm1 = new CogVideoXSpatialNorm3D(w.child("norm1"), inChannels, spatialNormDim, groups);
            this.spatialNorm2 = new CogVideoXSpatialNorm3D(w.child("norm2"), outChannels, spatialNormDim, groups);
        }
        this.conv1 = new CogVideoXCausalConv3d(w.child("conv1"), inChannels, outChannels, 3);
        this.conv2 = new CogVideoXCausalConv3d(w.child("conv2"), outChannels, outChannels, 3);
        this.convShortcut = inChannels == outChannels ? null
                : new CogVideoXSafeConv3d(w.child("conv_shortcut"), inChannels, outChannels, 1, 0);
    }

    /**
     * Applies the block. Callers run it in a scope of their own (the shortcut lands in the input's manager).
     *
     * @param x [B, C_in, T, H, W]
     * @param zq the latent batch for spatial norms; ignored by GroupNorm blocks
     * @return [B, C_out, T, H, W], in the input's manager
     */
    NDArray forward(NDArray x, @Nullable NDArray zq, ConvCache cache) {
        NDArray h = Scoped.apply(x, t -> F.silu(norm(groupNorm1, spatialNorm1, t, zq, cache)));
        h = Scoped.consume(h, t -> conv1.forward(t, cache));
        h = Scoped.consume(h, t -> F.silu(norm(groupNorm2, spatialNorm2, t, zq, cache)));
        h = Scoped.consume(h, t -> conv2.forward(t, cache));
        CogVideoXSafeConv3d shortcut = convShortcut;
        NDArray residual = shortcut == null ? x : shortcut.forward(x);
        return Scoped.consume(h, t -> t.add(residual));
    }

    private static NDArray norm(@Nullable GroupNorm group, @Nullable CogVideoXSpatialNorm3D spatial, NDArray x,
            @Nullable NDArray zq, ConvCache cache) {
        if (group != null) {
            return group.forward(x);
        }
        if (spatial == null || zq == null) {
            throw new IllegalStateException("a spatially normalised block needs the latent batch zq");
        }
        return spatial.forward(x, zq, cache);
    }
}
