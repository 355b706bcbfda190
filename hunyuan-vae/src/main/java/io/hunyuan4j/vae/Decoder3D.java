package io.hunyuan4j.vae;

import io.hunyuan4j.core.nn.GroupNorm;
import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * The causal decoder: {@code conv_in} to the widest channels, the mid block, the up blocks (each with
 * {@code layers_per_block + 1} residual blocks; spatial 2x in the first {@code log2(spatial ratio)}, temporal 2x
 * in the {@code log2(temporal ratio)} blocks before the last), then GroupNorm + SiLU + {@code conv_out}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L522">diffusers HunyuanVideoDecoder3D</a>
 */
final class Decoder3D {

    private final CausalConv3d convIn;
    private final MidBlock3D midBlock;
    private final List<UpBlock3D> upBlocks = new ArrayList<>();
    private final GroupNorm convNormOut;
    private final CausalConv3d convOut;

    Decoder3D(StateDict w, VaeConfig c, AttentionBackend backend) {
        List<Integer> blockOutChannels = c.blockOutChannels();
        int groups = c.normNumGroups();
        this.convIn = new CausalConv3d(w.child("conv_in"), c.latentChannels(), c.midChannels(), 3,
                CausalConv3d.Stride.ONE);
        this.midBlock = new MidBlock3D(w.child("mid_block"), c.midChannels(), groups, c.midBlockAddAttention(),
                backend);

        List<Integer> reversedBlockOutChannels = new ArrayList<>(blockOutChannels);
        java.util.Collections.reverse(reversedBlockOutChannels);
        int outputChannel = reversedBlockOutChannels.get(0);
        for (int i = 0; i < reversedBlockOutChannels.size(); i++) {
            int prevOutputChannel = outputChannel;
            outputChannel = reversedBlockOutChannels.get(i);
            boolean isFinalBlock = i == blockOutChannels.size() - 1;
            // time_compression_ratio == 4 (the only value the reference decoder accepts)
            boolean addSpatialUpsample = i < c.numSpatialLayers();
            boolean addTimeUpsample = i >= blockOutChannels.size() - 1 - c.numTimeLayers() && !isFinalBlock;
            CausalConv3d.Stride upsampleScaleFactor = addSpatialUpsample || addTimeUpsample
                    ? new CausalConv3d.Stride(addTimeUpsample ? 2 : 1, addSpatialUpsample ? 2 : 1,
                            addSpatialUpsample ? 2 : 1)
                    : null;
            upBlocks.add(new UpBlock3D(w.child("up_blocks", i), prevOutputChannel, outputChannel,
                    c.layersPerBlock() + 1, groups, upsampleScaleFactor));
        }

        this.convNormOut = new GroupNorm(w.child("conv_norm_out"), groups, blockOutChannels.get(0),
                ResnetBlockCausal3D.EPS);
        this.convOut = new CausalConv3d(w.child("conv_out"), blockOutChannels.get(0), c.outChannels(), 3,
                CausalConv3d.Stride.ONE);
    }

    /**
     * Brackets a stage's use of its weights: the offloader's onload in BLOCK mode, else nothing.
     */
    @FunctionalInterface
    interface StageWeights {
        /**
         * @param stage {@code mid_block} or {@code up_blocks.<i>}
         * @param parent the manager of the stage's input
         */
        GroupOnloader.Scope enter(String stage, NDManager parent);
    }

    /**
     * Decodes.
     *
     * @param hiddenStates latents after {@code post_quant_conv} [B, L, T', H', W']
     * @param weights entered around the mid block and each up block ({@code conv_in}, {@code conv_norm_out} and
     *     {@code conv_out} are the caller's to place)
     * @return video [B, C_out, (T'-1)*4+1, 8 H', 8 W'], in the input's manager
     */
    NDArray forward(NDArray hiddenStates, StageWeights weights) {
        NDArray h = Scoped.apply(hiddenStates, convIn::forward);
        try (GroupOnloader.Scope mid = weights.enter("mid_block", h.getManager())) {
            h = Scoped.consume(h, midBlock::forward);
        }
        for (int i = 0; i < upBlocks.size(); i++) {
            UpBlock3D upBlock = upBlocks.get(i);
            try (GroupOnloader.Scope up = weights.enter("up_blocks." + i, h.getManager())) {
                h = Scoped.consume(h, upBlock::forward);
            }
        }

        // post-process
        h = Scoped.consume(h, x -> F.silu(convNormOut.forward(x)));
        return Scoped.consume(h, convOut::forward);
    }
}
