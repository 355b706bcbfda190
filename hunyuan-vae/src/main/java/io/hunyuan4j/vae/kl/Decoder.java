package io.hunyuan4j.vae.kl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.nn.Conv2d;
import io.hunyuan4j.core.nn.GroupNorm;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The image decoder ({@code Decoder(..., norm_type="group")}): {@code conv_in} to the widest channels, the mid
 * block, the up blocks (each {@code layers_per_block + 1} residual blocks, all but the last doubling the
 * resolution), then GroupNorm + SiLU + {@code conv_out}.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/vae.py#L180">diffusers Decoder</a>
 */
final class Decoder {

    private final Conv2d convIn;
    private final UNetMidBlock2D midBlock;
    private final List<UpDecoderBlock2D> upBlocks = new ArrayList<>();
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    Decoder(StateDict w, AutoencoderKLConfig c, AttentionBackend backend) {
        List<Integer> blockOutChannels = c.blockOutChannels();
        int groups = c.normNumGroups();
        this.convIn = new Conv2d(w.child("conv_in"), Conv2d.Spec.of(c.latentChannels(), c.midChannels(), 3, 1, 1));
        this.midBlock = new UNetMidBlock2D(w.child("mid_block"), c.midChannels(), groups, c.midBlockAddAttention(),
                backend);
        List<Integer> reversedBlockOutChannels = new ArrayList<>(blockOutChannels);
        Collections.reverse(reversedBlockOutChannels);
        int outputChannel = reversedBlockOutChannels.get(0);
        for (int i = 0; i < reversedBlockOutChannels.size(); i++) {
            int prevOutputChannel = outputChannel;
            outputChannel = reversedBlockOutChannels.get(i);
            boolean isFinalBlock = i == blockOutChannels.size() - 1;
            upBlocks.add(new UpDecoderBlock2D(w.child("up_blocks", i), prevOutputChannel, outputChannel,
                    c.layersPerBlock() + 1, groups, !isFinalBlock));
        }
        this.convNormOut = new GroupNorm(w.child("conv_norm_out"), groups, blockOutChannels.get(0),
                ResnetBlock2D.EPS);
        this.convOut = new Conv2d(w.child("conv_out"), Conv2d.Spec.of(blockOutChannels.get(0), c.outChannels(), 3,
                1, 1));
    }

    /** Brackets a stage's use of its weights: the offloader's onload in BLOCK mode, else nothing. */
    @FunctionalInterface
    interface StageWeights {
        /**
         * Enters a stage.
         *
         * @param stage {@code mid_block} or {@code up_blocks.<i>}
         * @param parent the manager of the stage's input
         * @return the scope to close after the stage
         */
        GroupOnloader.Scope enter(String stage, NDManager parent);
    }

    /**
     * Decodes.
     *
     * @param sample latents after {@code post_quant_conv} [B, latent_channels, h, w]
     * @param weights entered around the mid block and each up block ({@code conv_in}, {@code conv_norm_out} and
     *     {@code conv_out} are the caller's to place)
     * @return [B, out_channels, 2^k h, 2^k w], in the input's manager
     */
    NDArray forward(NDArray sample, StageWeights weights) {
        NDArray h = Scoped.apply(sample, convIn::forward);
        // middle
        try (GroupOnloader.Scope mid = weights.enter("mid_block", h.getManager())) {
            h = Scoped.consume(h, midBlock::forward);
        }
        // up
        for (int i = 0; i < upBlocks.size(); i++) {
            UpDecoderBlock2D upBlock = upBlocks.get(i);
            try (GroupOnloader.Scope up = weights.enter("up_blocks." + i, h.getManager())) {
                h = Scoped.consume(h, upBlock::forward);
            }
        }
        // post-process
        h = Scoped.consume(h, x -> F.silu(convNormOut.forward(x)));
        return Scoped.consume(h, convOut::forward);
    }
}
