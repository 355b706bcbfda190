package io.hunyuan4j.dit.transformer;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Conv2d;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code PatchEmbed(pos_embed_type=None)}, the DiT's {@code pos_embed}: a Conv2d with kernel = stride =
 * patch size, flattened to tokens (row-major over the patch grid); no positional table (HunyuanDiT uses RoPE).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/embeddings.py">diffusers PatchEmbed</a>
 */
public final class PatchEmbed {

    private final Conv2d proj;
    private final int embedDim;

    /** Binds {@code proj.weight [embed, in, p, p]} and {@code proj.bias [embed]}. */
    public PatchEmbed(StateDict w, int patchSize, int inChannels, int embedDim) {
        this.proj = new Conv2d(w.child("proj"), new Conv2d.Spec(inChannels, embedDim, Conv2d.Size2.of(patchSize),
                Conv2d.Size2.of(patchSize), Conv2d.Size2.of(0), true));
        this.embedDim = embedDim;
    }

    /**
     * @param latent [B, C, H, W]
     * @return tokens [B, (H/p)(W/p), embed], row-major over the grid
     */
    public NDArray forward(NDArray latent) {
        long b = latent.getShape().get(0);
        NDArray x = proj.forward(latent); // [B, embed, H/p, W/p]
        return x.reshape(b, embedDim, -1).transpose(0, 2, 1); // BCHW -> BNC
    }
}
