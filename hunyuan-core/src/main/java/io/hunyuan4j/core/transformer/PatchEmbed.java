package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Conv3d;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code HunyuanVideoPatchEmbed}, the DiT's {@code x_embedder}: a Conv3d with kernel = stride =
 * (patch_size_t, patch_size, patch_size), then flattened to tokens.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoPatchEmbed</a>
 */
public final class PatchEmbed {

    private final Conv3d proj;

    /** Binds {@code proj.weight [embed, in, pt, p, p]} and {@code proj.bias}. */
    public PatchEmbed(StateDict w, Conv3d.Size3 patchSize, int inChans, int embedDim) {
        this.proj = new Conv3d(w.child("proj"), Conv3d.Spec.patchify(inChans, embedDim, patchSize));
    }

    /**
     * @param hiddenStates [B, C, F, H, W]
     * @return tokens [B, N, embed], N = (F/pt)(H/p)(W/p), t-major then h then w
     */
    public NDArray forward(NDArray hiddenStates) {
        NDArray x = proj.forward(hiddenStates); // [B, embed, F', H', W']
        long b = x.getShape().get(0);
        long c = x.getShape().get(1);
        return x.reshape(b, c, -1).transpose(0, 2, 1); // BCFHW -> BNC
    }
}
