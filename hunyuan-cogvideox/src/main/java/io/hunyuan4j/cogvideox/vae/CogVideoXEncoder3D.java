package io.hunyuan4j.cogvideox.vae;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.GroupNorm;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * The causal encoder: {@code conv_in}, the down levels (the first {@code log2(temporal_compression_ratio)} also
 * halve time), a two-block mid level, GroupNorm (eps 1e-6) + SiLU and {@code conv_out} to the moments
 * (2 x latent channels).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_cogvideox.py#L623">diffusers CogVideoXEncoder3D</a>
 */
final class CogVideoXEncoder3D {

    /** diffusers fixes {@code norm_out}'s eps whatever {@code norm_eps} says. */
    private static final float NORM_OUT_EPS = 1e-6f;

    private final CogVideoXCausalConv3d convIn;
    private final List<CogVideoXDownBlock3D> downBlocks = new ArrayList<>();
    private final CogVideoXMidBlock3D midBlock;
    private final GroupNorm normOut;
    private final CogVideoXCausalConv3d convOut;

    CogVideoXEncoder3D(StateDict w, CogVideoXVaeConfig c) {
        List<Integer> channels = c.blockOutChannels();
        int groups = c.normNumGroups();
        this.convIn = new CogVideoXCausalConv3d(w.child("conv_in"), c.inChannels(), channels.get(0), 3);
        int outputChannel = channels.get(0);
        for (int i = 0; i < channels.size(); i++) {
            int inputChannel = outputChannel;
            outputChannel = channels.get(i);
            boolean isFinalBlock = i == channels.size() - 1;
            downBlocks.add(new CogVideoXDownBlock3D(w.child("down_blocks", i), inputChannel, outputChannel,
                    c.layersPerBlock(), c.normEps(), groups, !isFinalBlock, i < c.temporalCompressLevel()));
        }
        this.midBlock = new CogVideoXMidBlock3D(w.child("mid_block"), c.midChannels(), CogVideoXMidBlock3D.NUM_LAYERS,
                c.normEps(), groups, null);
        this.normOut = new GroupNorm(w.child("norm_out"), groups, c.midChannels(), NORM_OUT_EPS);
        this.convOut = new CogVideoXCausalConv3d(w.child("conv_out"), c.midChannels(), 2 * c.latentChannels(), 3);
    }

    /**
     * Encodes one frame batch, carrying every causal convolution's frames in {@code cache}.
     *
     * @param x [B, in_channels, T, H, W]
     * @return the moments [B, 2 L, T', H', W'], in the input's manager
     */
    NDArray forward(NDArray x, ConvCache cache) {
        NDArray h = Scoped.apply(x, t -> convIn.forward(t, cache));
        for (CogVideoXDownBlock3D down : downBlocks) {
            h = Scoped.consume(h, t -> down.forward(t, cache));
        }
        h = Scoped.consume(h, t -> midBlock.forward(t, null, cache));
        h = Scoped.consume(h, t -> F.silu(normOut.forward(t)));
        return Scoped.consume(h, t -> convOut.forward(t, cache));
    }
}
