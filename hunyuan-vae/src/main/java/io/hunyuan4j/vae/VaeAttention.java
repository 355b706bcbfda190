package io.hunyuan4j.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.nn.GroupNorm;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.weights.StateDict;

/**
 * The mid block's self-attention: diffusers {@code Attention(C, heads=1, dim_head=C, norm_num_groups=G,
 * residual_connection=True, bias=True, _from_deprecated_attn_block=True)} run by {@code AttnProcessor2_0} over all
 * (t, h, w) tokens of a video with the frame-causal mask of {@code prepare_causal_attention_mask}: a token of
 * frame f attends to every token of frames 0..f. Weights {@code group_norm.*}, {@code to_q.*}, {@code to_k.*},
 * {@code to_v.*}, {@code to_out.0.*}.
 *
 * <p>With one frame the mask allows every token, so on {@code [B, C, 1, H, W]} this is exactly the mid-block
 * attention of the 2D {@code AutoencoderKL} ({@code Attention(C, heads=1, dim_head=C, norm_num_groups=G,
 * eps=1e-6, residual_connection=True, bias=True, upcast_softmax=True, _from_deprecated_attn_block=True)} with
 * {@code AttnProcessor2_0} on [B, C, H, W]), which {@code io.hunyuan4j.vae.kl.UNetMidBlock2D} reuses.
 *
 * <p>N = T*H*W tokens, C channels (one head of width C).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/attention_processor.py#L2696">diffusers AttnProcessor2_0</a>
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L34">diffusers prepare_causal_attention_mask</a>
 */
public final class VaeAttention {

    private final GroupNorm groupNorm;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final AttentionBackend backend;

    /**
     * Binds {@code group_norm.*}, {@code to_q.*}, {@code to_k.*}, {@code to_v.*} and {@code to_out.0.*} under
     * {@code w}.
     *
     * @param channels C, the width of the single head
     * @param groups the GroupNorm's group count (eps 1e-6)
     */
    public VaeAttention(StateDict w, int channels, int groups, AttentionBackend backend) {
        this.groupNorm = new GroupNorm(w.child("group_norm"), groups, channels, ResnetBlockCausal3D.EPS);
        this.toQ = new Linear(w.child("to_q"), channels, channels);
        this.toK = new Linear(w.child("to_k"), channels, channels);
        this.toV = new Linear(w.child("to_v"), channels, channels);
        this.toOut = new Linear(w.child("to_out.0"), channels, channels);
        this.backend = backend;
    }

    /**
     * Attends, adds the residual.
     *
     * @param hiddenStates [B, C, T, H, W]
     * @return [B, C, T, H, W], in the input's manager
     */
    public NDArray forward(NDArray hiddenStates) {
        return Scoped.apply(hiddenStates, this::attend);
    }

    private NDArray attend(NDArray x) {
        Shape s = x.getShape();
        long batchSize = s.get(0);
        long channels = s.get(1);
        long numFrames = s.get(2);
        long heightWidth = s.get(3) * s.get(4);
        // [B, C, T, H, W] -> [B, N, C]
        NDArray residual = x.transpose(0, 2, 3, 4, 1).reshape(batchSize, -1, channels);

        // GroupNorm over [B, C, N] is GroupNorm over [B, C, T, H, W]: same groups, same elements
        NDArray hidden = groupNorm.forward(x).transpose(0, 2, 3, 4, 1).reshape(batchSize, -1, channels);

        // [B, N, C] -> [B, 1, N, C]: a single head of width C
        NDArray query = toQ.forward(hidden).expandDims(1);
        NDArray key = toK.forward(hidden).expandDims(1);
        NDArray value = toV.forward(hidden).expandDims(1);

        NDArray attended = causalAttention(backend, query, key, value, numFrames, heightWidth);

        // [B, 1, N, C] -> [B, N, C]
        NDArray out = toOut.forward(attended.squeeze(1)).add(residual);
        // [B, N, C] -> [B, C, T, H, W]
        return out.reshape(batchSize, numFrames, s.get(3), s.get(4), channels).transpose(0, 4, 1, 2, 3);
    }

    /**
     * Frame-causal attention without the N x N mask: the queries of frame f see exactly the keys of frames 0..f,
     * which is what the reference's mask ({@code 0} where {@code frame(key) <= frame(query)}, {@code -inf}
     * elsewhere) selects. DIVERGENCE from diffusers: attending frame by frame to the causal prefix gives the same
     * values (masked keys get weight exp(-inf) = 0 there) but holds [HW, (f+1)HW] scores at a time instead of an
     * [N, N] mask, which for a 720p tile would not fit in memory.
     *
     * @param query [B, 1, N, C], tokens frame-major
     * @return [B, 1, N, C], in the query's manager
     */
    static NDArray causalAttention(AttentionBackend backend, NDArray query, NDArray key, NDArray value,
            long numFrames, long heightWidth) {
        NDList frames = new NDList();
        for (long f = 0; f < numFrames; f++) {
            try (NDManager scope = NDManager.subManagerOf(query)) {
                NDArray q = query.get(new NDIndex(":, :, {}:{}", f * heightWidth, (f + 1) * heightWidth));
                NDArray k = key.get(new NDIndex(":, :, :{}", (f + 1) * heightWidth));
                NDArray v = value.get(new NDIndex(":, :, :{}", (f + 1) * heightWidth));
                scope.attachAll(q, k, v);
                frames.add(scope.ret(backend.attention(q, k, v, null)));
            }
        }
        return frames.size() == 1 ? frames.get(0) : NDArrays.concat(frames, 2);
    }

    /**
     * diffusers {@code prepare_causal_attention_mask(num_frames, height_width)} as a BOOLEAN mask (true = may
     * attend): [N, N] with {@code mask[i][j] = frame(j) <= frame(i)}. The forward pass does not need it (see
     * {@link #causalAttention}); it documents and tests the equivalence.
     */
    static NDArray prepareCausalAttentionMask(NDManager manager, long numFrames, long heightWidth) {
        // indices = arange(1, num_frames + 1).repeat_interleave(height_width)
        NDArray indices = manager.arange(1, (int) numFrames + 1, 1, DataType.INT32).repeat(0, heightWidth);
        // meshgrid(indexing="xy"): x[i][j] = indices[j], y[i][j] = indices[i]; keep where x <= y
        return indices.expandDims(0).lte(indices.expandDims(1));
    }
}
