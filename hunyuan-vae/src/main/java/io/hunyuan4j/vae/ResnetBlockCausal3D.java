package io.hunyuan4j.vae;

import io.hunyuan4j.core.nn.GroupNorm;
import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * Pre-activation residual block: {@code conv2(silu(norm2(conv1(silu(norm1(x)))))) + shortcut(x)}, with a 1x1x1
 * causal conv as the shortcut when the width changes. Dropout is the identity at inference.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L141">diffusers HunyuanVideoResnetBlockCausal3D</a>
 */
final class ResnetBlockCausal3D {

    /** GroupNorm eps of every VAE block ({@code resnet_eps=1e-6}). */
    static final float EPS = 1e-6f;

    private final GroupNorm norm1;
    private final CausalConv3d conv1;
    private final GroupNorm norm2;
    private final CausalConv3d conv2;
    private final @Nullable CausalConv3d convShortcut;

    ResnetBlockCausal3D(StateDict w, int inChannels, int outChannels, int groups) {
        this.norm1 = new GroupNorm(w.child("norm1"), groups, inChannels, EPS);
        this.conv1 = new CausalConv3d(w.child("conv1"), inChannels, outChannels, 3, CausalConv3d.Stride.ONE);
        this.norm2 = new GroupNorm(w.child("norm2"), groups, outChannels, EPS);
        this.conv2 = new CausalConv3d(w.child("conv2"), outChannels, outChannels, 3, CausalConv3d.Stride.ONE);
        this.convShortcut = inChannels == outChannels ? null
                : new CausalConv3d(w.child("conv_shortcut"), inChannels, outChannels, 1, CausalConv3d.Stride.ONE);
    }

    /**
     * Applies the block; each stage runs in its own scope so only the input, the newest activation and that
     * stage's temporaries are alive at once. Callers run the block in a scope of its own.
     *
     * @param hiddenStates [B, C_in, T, H, W]
     * @return [B, C_out, T, H, W], in the input's manager
     */
    NDArray forward(NDArray hiddenStates) {
        NDArray h = Scoped.apply(hiddenStates, x -> F.silu(norm1.forward(x)));
        h = Scoped.consume(h, conv1::forward);

        h = Scoped.consume(h, x -> F.silu(norm2.forward(x)));
        h = Scoped.consume(h, conv2::forward);

        // the shortcut's output lands in the input's manager: callers run each block in its own scope
        CausalConv3d shortcut = convShortcut;
        NDArray residual = shortcut == null ? hiddenStates : shortcut.forward(hiddenStates);
        return Scoped.consume(h, x -> x.add(residual));
    }
}
