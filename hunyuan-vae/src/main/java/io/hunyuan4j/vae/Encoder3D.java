package io.hunyuan4j.vae;

import io.hunyuan4j.core.nn.GroupNorm;
import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * The causal encoder: {@code conv_in}, the down blocks (spatial 2x in the first {@code log2(spatial ratio)}
 * blocks, temporal 2x in the {@code log2(temporal ratio)} blocks before the last), the mid block, then
 * GroupNorm + SiLU + {@code conv_out} to {@code 2 * latent_channels} (mean and log-variance).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L410">diffusers HunyuanVideoEncoder3D</a>
 */
final class Encoder3D {

    private final CausalConv3d convIn;
    private final List<DownBlock3D> downBlocks = new ArrayList<>();
    private final MidBlock3D midBlock;
    private final GroupNorm convNormOut;
    private final CausalConv3d convOut;

    Encoder3D(StateDict w, VaeConfig c, AttentionBackend backend) {
        List<Integer> blockOutChannels = c.blockOutChannels();
        int groups = c.normNumGroups();
        this.convIn = new CausalConv3d(w.child("conv_in"), c.inChannels(), blockOutChannels.get(0), 3,
                CausalConv3d.Stride.ONE);

        int outputChannel = blockOutChannels.get(0);
        for (int i = 0; i < blockOutChannels.size(); i++) {
            int inputChannel = outputChannel;
            outputChannel = blockOutChannels.get(i);
            boolean isFinalBlock = i == blockOutChannels.size() - 1;
            // temporal_compression_ratio == 4 (the only supported value, see VaeConfig)
            boolean addSpatialDownsample = i < c.numSpatialLayers();
            boolean addTimeDownsample = i >= blockOutChannels.size() - 1 - c.numTimeLayers() && !isFinalBlock;
            CausalConv3d.Stride downsampleStride = addSpatialDownsample || addTimeDownsample
                    ? new CausalConv3d.Stride(addTimeDownsample ? 2 : 1, addSpatialDownsample ? 2 : 1,
                            addSpatialDownsample ? 2 : 1)
                    : null;
            downBlocks.add(new DownBlock3D(w.child("down_blocks", i), inputChannel, outputChannel,
                    c.layersPerBlock(), groups, downsampleStride));
        }

        this.midBlock = new MidBlock3D(w.child("mid_block"), c.midChannels(), groups, c.midBlockAddAttention(),
                backend);
        this.convNormOut = new GroupNorm(w.child("conv_norm_out"), groups, c.midChannels(),
                ResnetBlockCausal3D.EPS);
        // double_z=True: mean and logvar
        this.convOut = new CausalConv3d(w.child("conv_out"), c.midChannels(), 2 * c.latentChannels(), 3,
                CausalConv3d.Stride.ONE);
    }

    /**
     * Encodes.
     *
     * @param hiddenStates video [B, C_in, T, H, W]
     * @return moments before {@code quant_conv} [B, 2 L, (T-1)/4+1, H/8, W/8], in the input's manager
     */
    NDArray forward(NDArray hiddenStates) {
        NDArray h = Scoped.apply(hiddenStates, convIn::forward);
        for (DownBlock3D downBlock : downBlocks) {
            h = Scoped.consume(h, downBlock::forward);
        }
        h = Scoped.consume(h, midBlock::forward);

        h = Scoped.consume(h, x -> F.silu(convNormOut.forward(x)));
        return Scoped.consume(h, convOut::forward);
    }
}
