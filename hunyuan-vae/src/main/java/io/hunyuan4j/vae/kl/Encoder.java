package io.hunyuan4j.vae.kl;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Conv2d;
import io.hunyuan4j.core.nn.GroupNorm;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * The image encoder ({@code Encoder(..., double_z=True)}): {@code conv_in} to the first width, the down blocks
 * (each {@code layers_per_block} residual blocks, all but the last halving the resolution), the mid block, then
 * GroupNorm + SiLU + {@code conv_out} to {@code 2 * latent_channels} (mean and log-variance).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/vae.py#L59">diffusers Encoder</a>
 */
final class Encoder {

    private final Conv2d convIn;
    private final List<DownEncoderBlock2D> downBlocks = new ArrayList<>();
    private final UNetMidBlock2D midBlock;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    Encoder(StateDict w, AutoencoderKLConfig c, AttentionBackend backend) {
        List<Integer> blockOutChannels = c.blockOutChannels();
        int groups = c.normNumGroups();
        this.convIn = new Conv2d(w.child("conv_in"), Conv2d.Spec.of(c.inChannels(), blockOutChannels.get(0), 3, 1, 1));
        int outputChannel = blockOutChannels.get(0);
        for (int i = 0; i < blockOutChannels.size(); i++) {
            int inputChannel = outputChannel;
            outputChannel = blockOutChannels.get(i);
            boolean isFinalBlock = i == blockOutChannels.size() - 1;
            downBlocks.add(new DownEncoderBlock2D(w.child("down_blocks", i), inputChannel, outputChannel,
                    c.layersPerBlock(), groups, !isFinalBlock));
        }
        this.midBlock = new UNetMidBlock2D(w.child("mid_block"), c.midChannels(), groups, c.midBlockAddAttention(),
                backend);
        this.convNormOut = new GroupNorm(w.child("conv_norm_out"), groups, c.midChannels(), ResnetBlock2D.EPS);
        this.convOut = new Conv2d(w.child("conv_out"), Conv2d.Spec.of(c.midChannels(), 2L * c.latentChannels(), 3,
                1, 1));
    }

    /**
     * Encodes.
     *
     * @param sample [B, in_channels, H, W]
     * @return [B, 2 latent_channels, H', W'] (each downsampler floors n / 2), in the input's manager
     */
    NDArray forward(NDArray sample) {
        NDArray h = Scoped.apply(sample, convIn::forward);
        // down
        for (DownEncoderBlock2D downBlock : downBlocks) {
            h = Scoped.consume(h, downBlock::forward);
        }
        // middle
        h = Scoped.consume(h, midBlock::forward);
        // post-process
        h = Scoped.consume(h, x -> F.silu(convNormOut.forward(x)));
        return Scoped.consume(h, convOut::forward);
    }
}
