package io.hunyuan4j.vae.kl;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Conv2d;
import io.hunyuan4j.core.nn.GroupNorm;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * Pre-activation residual block without a time embedding ({@code temb_channels=None}, {@code output_scale_factor
 * 1}): {@code conv2(silu(norm2(conv1(silu(norm1(x)))))) + shortcut(x)}, with a 1x1 {@code conv_shortcut} when
 * the width changes. Dropout is the identity at inference. Weights {@code norm1.*}, {@code conv1.*},
 * {@code norm2.*}, {@code conv2.*}, {@code conv_shortcut.*}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/resnet.py#L188">diffusers ResnetBlock2D</a>
 */
final class ResnetBlock2D {

    /** GroupNorm eps of every block of the KL VAE ({@code resnet_eps=1e-6}). */
    static final float EPS = 1e-6f;

    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final @Nullable Conv2d convShortcut;

    ResnetBlock2D(StateDict w, int inChannels, int outChannels, int groups) {
        this.norm1 = new GroupNorm(w.child("norm1"), groups, inChannels, EPS);
        this.conv1 = new Conv2d(w.child("conv1"), Conv2d.Spec.of(inChannels, outChannels, 3, 1, 1));
        this.norm2 = new GroupNorm(w.child("norm2"), groups, outChannels, EPS);
        this.conv2 = new Conv2d(w.child("conv2"), Conv2d.Spec.of(outChannels, outChannels, 3, 1, 1));
        this.convShortcut = inChannels == outChannels ? null
                : new Conv2d(w.child("conv_shortcut"), Conv2d.Spec.of(inChannels, outChannels, 1, 1, 0));
    }

    /**
     * Applies the block; each stage runs in its own scope, so only the input, the newest activation and that
     * stage's temporaries are alive at once.
     *
     * @param inputTensor [B, C_in, H, W]
     * @return [B, C_out, H, W], in the input's manager
     */
    NDArray forward(NDArray inputTensor) {
        NDArray h = Scoped.apply(inputTensor, x -> F.silu(norm1.forward(x)));
        h = Scoped.consume(h, conv1::forward);

        h = Scoped.consume(h, x -> F.silu(norm2.forward(x)));
        h = Scoped.consume(h, conv2::forward);

        // output_tensor = (input_tensor + hidden_states) / output_scale_factor, with factor 1; the input is lent
        // to the scope so the shortcut's output is freed with it
        Conv2d shortcut = convShortcut;
        NDArray hidden = h;
        return Scoped.run(() -> (shortcut == null ? inputTensor : shortcut.forward(inputTensor)).add(hidden),
                new NDArray[] {hidden}, new NDArray[] {inputTensor});
    }
}
