package io.hunyuan4j.core.transformer;

import io.hunyuan4j.core.ops.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code HunyuanVideoIndividualTokenRefiner}: the refiner blocks and their self-attention mask
 * {@code m[i] AND m[j]} with column 0 forced true (a padded query row then attends to token 0 only, so the
 * softmax never sees an all-masked row).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoIndividualTokenRefiner</a>
 */
public final class IndividualTokenRefiner {

    private final List<IndividualTokenRefinerBlock> refinerBlocks;

    /** Binds {@code refiner_blocks.<i>.*}. */
    public IndividualTokenRefiner(StateDict w, int numAttentionHeads, int attentionHeadDim, int numLayers,
            float mlpWidthRatio, AttentionBackend backend) {
        List<IndividualTokenRefinerBlock> blocks = new ArrayList<>();
        for (int i = 0; i < numLayers; i++) {
            blocks.add(new IndividualTokenRefinerBlock(w.child("refiner_blocks", i), numAttentionHeads,
                    attentionHeadDim, mlpWidthRatio, backend));
        }
        this.refinerBlocks = List.copyOf(blocks);
    }

    /**
     * Runs the blocks, each in its own manager scope.
     *
     * @param hiddenStates [B, L, C]
     * @param temb [B, C]
     * @param attentionMask the text mask as host values [B][L] (1 valid, 0 padding), or null
     * @param listener receives {@code refiner_blocks.<i>}
     * @return [B, L, C], in {@code hiddenStates}' manager
     */
    public NDArray forward(NDArray hiddenStates, NDArray temb, float @Nullable [][] attentionMask,
            IntermediateListener listener) {
        NDManager call = hiddenStates.getManager();
        NDArray selfAttnMask = attentionMask == null ? null : selfAttentionMask(call, attentionMask);
        NDArray h = hiddenStates;
        for (int i = 0; i < refinerBlocks.size(); i++) {
            try (NDManager scope = call.newSubManager()) {
                if (h == hiddenStates) {
                    scope.tempAttachAll(h); // ops on h put their results into this scope
                } else {
                    scope.attachAll(h); // the previous block's output dies with this scope
                }
                scope.tempAttachAll(temb);
                if (selfAttnMask != null) {
                    scope.tempAttachAll(selfAttnMask);
                }
                NDArray out = refinerBlocks.get(i).forward(h, temb, selfAttnMask);
                listener.onIntermediate("refiner_blocks." + i, out);
                out.attach(call);
                h = out;
            }
        }
        if (selfAttnMask != null) {
            selfAttnMask.close();
        }
        return h;
    }

    /** {@code (m[:, None, None, :] & m[:, None, :, None])} with {@code [:, :, :, 0] = True}: BOOLEAN [B, 1, L, L]. */
    static NDArray selfAttentionMask(NDManager manager, float[][] mask) {
        int b = mask.length;
        int l = mask[0].length;
        boolean[] m = new boolean[b * l * l];
        for (int n = 0; n < b; n++) {
            for (int i = 0; i < l; i++) {
                for (int j = 0; j < l; j++) {
                    m[(n * l + i) * l + j] = j == 0 || (mask[n][i] != 0 && mask[n][j] != 0);
                }
            }
        }
        return HostArrays.booleans(manager, m, new Shape(b, 1, l, l));
    }
}
