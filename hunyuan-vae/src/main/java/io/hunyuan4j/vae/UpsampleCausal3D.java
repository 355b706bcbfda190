package io.hunyuan4j.vae;

import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * Nearest-neighbour upsampling that keeps the first frame on its own (it is only upsampled in space, so T frames
 * become {@code 1 + f_t (T - 1)}), followed by a causal 3x3x3 convolution. Weights {@code conv.conv.*}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L78">diffusers HunyuanVideoUpsampleCausal3D</a>
 */
final class UpsampleCausal3D {

    private final CausalConv3d conv;
    private final CausalConv3d.Stride upsampleFactor;

    /**
     * @param upsampleFactor (t, h, w) integer factors
     */
    UpsampleCausal3D(StateDict w, int inChannels, int outChannels, CausalConv3d.Stride upsampleFactor) {
        this.conv = new CausalConv3d(w.child("conv"), inChannels, outChannels, 3, CausalConv3d.Stride.ONE);
        this.upsampleFactor = upsampleFactor;
    }

    /**
     * Upsamples.
     *
     * @param hiddenStates [B, C, T, H, W]
     * @return [B, C_out, 1 + f_t (T - 1), f_h H, f_w W], in the input's manager
     */
    NDArray forward(NDArray hiddenStates) {
        NDArray upsampled = Scoped.apply(hiddenStates, this::upsample);
        return Scoped.consume(upsampled, conv::forward);
    }

    private NDArray upsample(NDArray hiddenStates) {
        Shape s = hiddenStates.getShape();
        long numFrames = s.get(2);
        long height = s.get(3) * upsampleFactor.h();
        long width = s.get(4) * upsampleFactor.w();

        // first frame: spatial only; [B, C, 1, H, W] -> [B, C, 1, f_h H, f_w W]
        NDArray firstFrame = F.interpolateNearest3d(hiddenStates.get(":, :, 0:1"), 1, height, width);
        if (numFrames == 1) {
            return firstFrame;
        }
        // other frames: [B, C, T-1, H, W] -> [B, C, f_t (T-1), f_h H, f_w W]
        NDArray otherFrames = F.interpolateNearest3d(hiddenStates.get(":, :, 1:"),
                (numFrames - 1) * upsampleFactor.t(), height, width);
        // [B, C, 1 + f_t (T-1), f_h H, f_w W]
        return NDArrays.concat(new NDList(firstFrame, otherFrames), 2);
    }
}
