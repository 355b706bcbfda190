package io.hunyuan4j.cogvideox.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.core.transformer.Streams;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code Attention(qk_norm="layer_norm", eps=1e-6)} with {@code CogVideoXAttnProcessor2_0}: joint
 * self-attention over {@code [text ; video]} with ONE set of projections (q, k, v with bias when
 * {@code attention_bias}), per-head LayerNorm on q and k, RoPE on the video tokens of q and k only, no mask,
 * {@code to_out.0}; the output is split back into the two streams. The projections and the attention compute in the
 * compute dtype (bf16 outputs under bf16), the per-head norms and RoPE in float32.
 *
 * <p>Shapes: B batch, N video tokens, L text tokens, H heads, D head dim, C = H x D.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/attention_processor.py">diffusers CogVideoXAttnProcessor2_0</a>
 */
public final class CogVideoXAttention {

    /** diffusers: {@code eps=1e-6} for the q/k LayerNorms. */
    static final float QK_NORM_EPS = 1e-6f;

    private final int heads;
    private final int headDim;
    private final AttentionBackend backend;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final LayerNorm normQ;
    private final LayerNorm normK;
    private final Linear toOut;
    private final ComputeDtype computeDtype;

    /** Binds {@code to_q/k/v}, {@code norm_q/k} (affine, over head_dim) and {@code to_out.0} (with bias). */
    public CogVideoXAttention(StateDict w, int heads, int headDim, boolean bias, AttentionBackend backend) {
        this(w, heads, headDim, bias, backend, ComputeDtype.FLOAT32);
    }

    /**
     * As the five-argument constructor, with the precision of the projections and the attention.
     *
     * @param computeDtype under {@link ComputeDtype#BF16} q, k, v, the attention and {@code to_out} run in bf16,
     *     the per-head norms and RoPE in float32
     */
    public CogVideoXAttention(StateDict w, int heads, int headDim, boolean bias, AttentionBackend backend,
            ComputeDtype computeDtype) {
        this.computeDtype = computeDtype;
        this.heads = heads;
        this.headDim = headDim;
        this.backend = backend;
        long c = (long) heads * headDim;
        this.toQ = new Linear(w.child("to_q"), c, c, bias);
        this.toK = new Linear(w.child("to_k"), c, c, bias);
        this.toV = new Linear(w.child("to_v"), c, c, bias);
        this.normQ = LayerNorm.affine(w.child("norm_q"), headDim, QK_NORM_EPS);
        this.normK = LayerNorm.affine(w.child("norm_k"), headDim, QK_NORM_EPS);
        this.toOut = new Linear(w.child("to_out").child("0"), c, c, true);
    }

    /**
     * @param hiddenStates video tokens [B, N, C]
     * @param encoderHiddenStates text tokens [B, L, C]
     * @param imageRotaryEmb RoPE table [N, D] for the video tokens, or null (CogVideoX-2b)
     * @return the attention outputs (video [B, N, C], text [B, L, C])
     */
    public Streams forward(NDArray hiddenStates, NDArray encoderHiddenStates,
            @Nullable RotaryEmbedding imageRotaryEmb) {
        long textSeqLength = encoderHiddenStates.getShape().get(1);
        // [B, L + N, C], text first; cast once for the three projections
        NDArray joint = Scoped.keep(() -> F.toCompute(NDArrays.concat(new NDList(encoderHiddenStates, hiddenStates),
                1), computeDtype), hiddenStates, encoderHiddenStates);
        // each of q, k, v in its own scope, so only the three results outlive their temporaries (the float32 RoPE
        // products alone are about 2.5 GB per tensor at 480x720x49 on the CFG batch); the joint tokens and then
        // q, k, v are freed as soon as their successors exist. The q/k norms and RoPE run in float32 (their
        // statistics and rotations are what bf16 would round), the attention itself in the compute dtype.
        NDArray query = Scoped.keep(() -> F.toCompute(rope(normQ.forward(heads(F.toFloat32(toQ.forward(joint))))
                .transpose(0, 2, 1, 3), textSeqLength, imageRotaryEmb), computeDtype), joint);
        NDArray key = Scoped.keep(() -> F.toCompute(rope(normK.forward(heads(F.toFloat32(toK.forward(joint))))
                .transpose(0, 2, 1, 3), textSeqLength, imageRotaryEmb), computeDtype), joint);
        NDArray value = Scoped.keepConsuming(() -> heads(toV.forward(joint)).transpose(0, 2, 1, 3), joint);
        // the split streams are views of the projection: closing both frees it
        NDList out = Scoped.keepAllConsuming(() -> {
            NDArray attended = backend.attention(query, key, value, null); // [B, H, L + N, D]
            long b = attended.getShape().get(0);
            long t = attended.getShape().get(2);
            NDArray projected = toOut.forward(attended.transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim));
            return new NDList(projected.get(new NDIndex(":, {}:", textSeqLength)),
                    projected.get(new NDIndex(":, :{}", textSeqLength)));
        }, query, key, value);
        return new Streams(out.get(0), out.get(1));
    }

    /** [B, T, C] -> [B, T, H, D]. */
    private NDArray heads(NDArray x) {
        return x.reshape(x.getShape().get(0), x.getShape().get(1), heads, headDim);
    }

    /** RoPE on x[:, :, textSeqLength:] ([B, H, L + N, D]), the text part as is. */
    private static NDArray rope(NDArray x, long textSeqLength, @Nullable RotaryEmbedding emb) {
        if (emb == null) {
            return x;
        }
        NDArray text = x.get(new NDIndex(":, :, :{}", textSeqLength));
        NDArray video = F.applyRotaryEmbInterleaved(x.get(new NDIndex(":, :, {}:", textSeqLength)), emb.cos(),
                emb.sin());
        return NDArrays.concat(new NDList(text, video), 2);
    }
}
