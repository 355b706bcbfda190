package io.hunyuan4j.cogvideox.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The causal decoder: {@code conv_in} to the widest channels, a two-block mid level, the up levels (each with
 * {@code layers_per_block + 1} blocks; the first {@code log2(temporal_compression_ratio)} also double time), a
 * spatial {@code norm_out} + SiLU and {@code conv_out}. Every norm is a {@link CogVideoXSpatialNorm3D}
 * conditioned on the latent batch being decoded.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_cogvideox.py#L785">diffusers CogVideoXDecoder3D</a>
 */
final class CogVideoXDecoder3D {

    private final CogVideoXCausalConv3d convIn;
    private final CogVideoXMidBlock3D midBlock;
    private final List<CogVideoXUpBlock3D> upBlocks = new ArrayList<>();
    private final CogVideoXSpatialNorm3D normOut;
    private final CogVideoXCausalConv3d convOut;

    CogVideoXDecoder3D(StateDict w, CogVideoXVaeConfig c) {
        List<Integer> reversed = new ArrayList<>(c.blockOutChannels());
        Collections.reverse(reversed);
        int groups = c.normNumGroups();
        int latent = c.latentChannels();
        this.convIn = new CogVideoXCausalConv3d(w.child("conv_in"), latent, reversed.get(0), 3);
        this.midBlock = new CogVideoXMidBlock3D(w.child("mid_block"), reversed.get(0), CogVideoXMidBlock3D.NUM_LAYERS,
                c.normEps(), groups, latent);
        int outputChannel = reversed.get(0);
        for (int i = 0; i < reversed.size(); i++) {
            int prevOutputChannel = outputChannel;
            outputChannel = reversed.get(i);
            boolean isFinalBlock = i == reversed.size() - 1;
            upBlocks.add(new CogVideoXUpBlock3D(w.child("up_blocks", i), prevOutputChannel, outputChannel,
                    c.layersPerBlock() + 1, c.normEps(), groups, latent, !isFinalBlock,
                    i < c.temporalCompressLevel()));
        }
        int last = reversed.get(reversed.size() - 1);
        this.normOut = new CogVideoXSpatialNorm3D(w.child("norm_out"), last, latent, groups);
        this.convOut = new CogVideoXCausalConv3d(w.child("conv_out"), last, c.outChannels(), 3);
    }

    /** Brackets a stage's use of its weights: the offloader's onload under block offload, else nothing. */
    @FunctionalInterface
    interface StageWeights {
        /**
         * @param stage {@code mid_block} or {@code up_blocks.<i>}
         * @param parent the manager of the stage's input
         */
        GroupOnloader.Scope enter(String stage, NDManager parent);
    }

    /**
     * Decodes one latent frame batch, carrying every causal convolution's frames in {@code cache}.
     *
     * @param z the latent batch (after {@code post_quant_conv}) [B, L, T', H', W']
     * @param weights entered around the mid level and each up level
     * @return video [B, out_channels, T, 8 H', 8 W'] (T = 4 T' for even T', 1 + 4 (T' - 1) for odd), in z's manager
     */
    NDArray forward(NDArray z, ConvCache cache, StageWeights weights) {
        NDArray h = Scoped.apply(z, t -> convIn.forward(t, cache));
        try (GroupOnloader.Scope mid = weights.enter("mid_block", h.getManager())) {
            NDArray in = h;
            h = Scoped.keepConsuming(() -> midBlock.forward(in, z, cache), in);
        }
        for (int i = 0; i < upBlocks.size(); i++) {
            CogVideoXUpBlock3D up = upBlocks.get(i);
            try (GroupOnloader.Scope scope = weights.enter("up_blocks." + i, h.getManager())) {
                NDArray in = h;
                h = Scoped.keepConsuming(() -> up.forward(in, z, cache), in);
            }
        }
        NDArray in = h;
        h = Scoped.keepConsuming(() -> F.silu(normOut.forward(in, z, cache)), in);
        return Scoped.consume(h, t -> convOut.forward(t, cache));
    }
}
