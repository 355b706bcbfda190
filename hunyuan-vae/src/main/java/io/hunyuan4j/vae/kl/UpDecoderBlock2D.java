package io.hunyuan4j.vae.kl;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A decoder stage: {@code num_layers} residual blocks ({@code resnets.i}), then, except in the last stage, an
 * {@link Upsample2D} ({@code upsamplers.0}).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/unets/unet_2d_blocks.py#L2575">diffusers UpDecoderBlock2D</a>
 */
final class UpDecoderBlock2D {

    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final @Nullable Upsample2D upsampler;

    UpDecoderBlock2D(StateDict w, int inChannels, int outChannels, int numLayers, int resnetGroups,
            boolean addUpsample) {
        for (int i = 0; i < numLayers; i++) {
            resnets.add(new ResnetBlock2D(w.child("resnets", i), i == 0 ? inChannels : outChannels, outChannels,
                    resnetGroups));
        }
        this.upsampler = addUpsample ? new Upsample2D(w.child("upsamplers", 0), outChannels, outChannels) : null;
    }

    /**
     * Applies the stage; frees each intermediate activation as soon as the next exists.
     *
     * @param hiddenStates [B, C_in, H, W]
     * @return [B, C_out, H', W'], in the input's manager
     */
    NDArray forward(NDArray hiddenStates) {
        NDArray h = Scoped.apply(hiddenStates, resnets.get(0)::forward);
        for (int i = 1; i < resnets.size(); i++) {
            h = Scoped.consume(h, resnets.get(i)::forward);
        }
        Upsample2D up = upsampler;
        return up == null ? h : Scoped.consume(h, up::forward);
    }
}
