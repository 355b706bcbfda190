package io.hunyuan4j.vae.kl;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.vae.VaeAttention;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The bottleneck of the encoder and the decoder ({@code UNetMidBlock2D(C, temb_channels=None,
 * attention_head_dim=C, resnet_groups=G, output_scale_factor=1)}): {@code resnets.0}, then per layer the
 * single-head self-attention {@code attentions.i} (when {@code add_attention}) and {@code resnets.i+1}.
 *
 * <p>The attention is diffusers' {@code Attention(C, heads=1, dim_head=C, norm_num_groups=G, eps=1e-6,
 * residual_connection=True, bias=True, _from_deprecated_attn_block=True)}; it reuses the HunyuanVideo VAE's
 * {@link VaeAttention} on a one-frame view, where its frame-causal mask allows every token (same weights
 * {@code group_norm}, {@code to_q}, {@code to_k}, {@code to_v}, {@code to_out.0}; same values).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/unets/unet_2d_blocks.py#L589">diffusers UNetMidBlock2D</a>
 */
final class UNetMidBlock2D {

    /** {@code num_layers}: the encoder and decoder use the default. */
    static final int NUM_LAYERS = 1;

    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<@Nullable VaeAttention> attentions = new ArrayList<>();

    UNetMidBlock2D(StateDict w, int inChannels, int resnetGroups, boolean addAttention, AttentionBackend backend) {
        resnets.add(new ResnetBlock2D(w.child("resnets", 0), inChannels, inChannels, resnetGroups));
        for (int i = 0; i < NUM_LAYERS; i++) {
            attentions.add(addAttention
                    ? new VaeAttention(w.child("attentions", i), inChannels, resnetGroups, backend) : null);
            resnets.add(new ResnetBlock2D(w.child("resnets", i + 1), inChannels, inChannels, resnetGroups));
        }
    }

    /**
     * Applies the block.
     *
     * @param hiddenStates [B, C, H, W]
     * @return [B, C, H, W], in the input's manager
     */
    NDArray forward(NDArray hiddenStates) {
        NDArray h = Scoped.apply(hiddenStates, resnets.get(0)::forward);
        for (int i = 0; i < attentions.size(); i++) {
            VaeAttention attn = attentions.get(i);
            if (attn != null) {
                // [B, C, H, W] -> [B, C, 1, H, W] -> attention over the H*W tokens -> [B, C, H, W]
                h = Scoped.consume(h, x -> contiguous(attn.forward(x.expandDims(2)).squeeze(2)));
            }
            h = Scoped.consume(h, resnets.get(i + 1)::forward);
        }
        return h;
    }

    /**
     * The attention returns a channels-last view ([B, N, C] tokens seen as [B, C, H, W]); libtorch's convolutions
     * and norms keep that layout, so without this the rest of the network, and the VAE's output, would be
     * channels-last, and DJL's {@code toFloatArray} on such an output leaves a contiguous copy in the caller's
     * manager. Flattening C, H and W cannot be a view of channels-last strides, so {@code reshape} copies into
     * the contiguous layout (and is a free view when the input is contiguous already).
     */
    private static NDArray contiguous(NDArray x) {
        return x.reshape(x.getShape().get(0), -1).reshape(x.getShape());
    }
}
