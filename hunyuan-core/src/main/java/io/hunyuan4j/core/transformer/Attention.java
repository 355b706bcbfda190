package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.nn.RmsNorm;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code Attention} in the three configurations HunyuanVideo builds, with its two processors:
 * <ul>
 *   <li>token refiner: plain self-attention with biases and {@code to_out}, no q/k norm
 *       ({@code AttnProcessor2_0}, {@link #forward(NDArray, NDArray)});</li>
 *   <li>dual-stream block: separate latent ({@code to_q/k/v}) and text ({@code add_q/k/v_proj}) projections,
 *       per-head RMSNorm of q and k, joint attention, {@code to_out.0} and {@code to_add_out}
 *       ({@code HunyuanVideoAttnProcessor2_0});</li>
 *   <li>single-stream block ({@code pre_only}): one projection over [latent ; text], per-head RMSNorm, no
 *       output projection.</li>
 * </ul>
 * RoPE is applied after the q/k norm and to latent tokens only.
 *
 * <p>Shapes: B batch, N latent tokens, L text tokens, H heads, D head dim, C = H x D.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoAttnProcessor2_0</a>
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/attention_processor.py">diffusers Attention, AttnProcessor2_0</a>
 */
public final class Attention {

    /** diffusers passes {@code eps=1e-6} to the q/k RMSNorms. */
    static final float QK_NORM_EPS = 1e-6f;

    /**
     * The constructor arguments that vary between HunyuanVideo's attentions.
     *
     * @param heads H
     * @param headDim D
     * @param qkNorm per-head RMSNorm on q and k ({@code qk_norm="rms_norm"})
     * @param addedKvProj text projections {@code add_{q,k,v}_proj} and {@code to_add_out} (dual-stream)
     * @param preOnly no {@code to_out} (single-stream)
     */
    public record Spec(int heads, int headDim, boolean qkNorm, boolean addedKvProj, boolean preOnly) {
        /** H x D. */
        public int innerDim() {
            return heads * headDim;
        }
    }

    private final Spec spec;
    private final AttentionBackend backend;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final @Nullable RmsNorm normQ;
    private final @Nullable RmsNorm normK;
    private final @Nullable Linear addQProj;
    private final @Nullable Linear addKProj;
    private final @Nullable Linear addVProj;
    private final @Nullable RmsNorm normAddedQ;
    private final @Nullable RmsNorm normAddedK;
    private final @Nullable Linear toOut;
    private final @Nullable Linear toAddOut;

    /** Binds the projections (all with bias) and norms {@code spec} asks for. */
    public Attention(StateDict w, Spec spec, AttentionBackend backend) {
        this.spec = spec;
        this.backend = backend;
        int c = spec.innerDim();
        int d = spec.headDim();
        this.toQ = new Linear(w.child("to_q"), c, c);
        this.toK = new Linear(w.child("to_k"), c, c);
        this.toV = new Linear(w.child("to_v"), c, c);
        this.normQ = spec.qkNorm() ? new RmsNorm(w.child("norm_q"), d, QK_NORM_EPS) : null;
        this.normK = spec.qkNorm() ? new RmsNorm(w.child("norm_k"), d, QK_NORM_EPS) : null;
        boolean added = spec.addedKvProj();
        this.addQProj = added ? new Linear(w.child("add_q_proj"), c, c) : null;
        this.addKProj = added ? new Linear(w.child("add_k_proj"), c, c) : null;
        this.addVProj = added ? new Linear(w.child("add_v_proj"), c, c) : null;
        this.normAddedQ = added && spec.qkNorm() ? new RmsNorm(w.child("norm_added_q"), d, QK_NORM_EPS) : null;
        this.normAddedK = added && spec.qkNorm() ? new RmsNorm(w.child("norm_added_k"), d, QK_NORM_EPS) : null;
        this.toOut = spec.preOnly() ? null : new Linear(w.child("to_out").child("0"), c, c);
        this.toAddOut = added ? new Linear(w.child("to_add_out"), c, c) : null;
    }

    /**
     * Self-attention ({@code AttnProcessor2_0}), the token refiner's.
     *
     * @param hiddenStates [B, L, C]
     * @param attentionMask BOOLEAN [B, 1, L, L] (true = may attend) or null
     * @return [B, L, C]
     */
    public NDArray forward(NDArray hiddenStates, @Nullable NDArray attentionMask) {
        NDArray query = heads(toQ.forward(hiddenStates), normQ);
        NDArray key = heads(toK.forward(hiddenStates), normK);
        NDArray value = heads(toV.forward(hiddenStates), null);
        NDArray out = merge(backend.attention(query, key, value, attentionMask));
        Linear o = toOut;
        return o == null ? out : o.forward(out);
    }

    /**
     * Joint attention over [latent ; text] ({@code HunyuanVideoAttnProcessor2_0}), with the text padding masked
     * as keys.
     *
     * @param hiddenStates latent tokens [B, N, C]
     * @param encoderHiddenStates text tokens [B, L, C]
     * @param attentionMask BOOLEAN key mask [B, 1, 1, N + L]
     * @param imageRotaryEmb RoPE table for the N latent tokens
     * @return the attention outputs of both streams, projected unless {@code pre_only}
     */
    public Streams forward(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray attentionMask,
            RotaryEmbedding imageRotaryEmb) {
        if (addQProj == null) {
            throw new IllegalStateException("joint attention without added projections: use forwardJoint");
        }
        long textLen = encoderHiddenStates.getShape().get(1);
        // 1.-5. latent and text QKV, QK normalization, RoPE on latent tokens, attention   [B, H, N + L, D]
        // (q, k and v die with the scope: only the attention output outlives it)
        NDArray attn = Scoped.keep(() -> {
            NDArray query = NDArrays.concat(new NDList(
                    Scoped.keep(() -> rope(heads(toQ.forward(hiddenStates), normQ), imageRotaryEmb), hiddenStates),
                    heads(addQProj.forward(encoderHiddenStates), normAddedQ)), 2);
            NDArray key = NDArrays.concat(new NDList(
                    Scoped.keep(() -> rope(heads(toK.forward(hiddenStates), normK), imageRotaryEmb), hiddenStates),
                    heads(nonNull(addKProj).forward(encoderHiddenStates), normAddedK)), 2);
            NDArray value = NDArrays.concat(new NDList(heads(toV.forward(hiddenStates), null),
                    heads(nonNull(addVProj).forward(encoderHiddenStates), null)), 2);
            return backend.attention(query, key, value, attentionMask);
        }, hiddenStates, encoderHiddenStates);
        return project(attn, textLen);
    }

    /**
     * Single-stream attention over the already concatenated tokens: one QKV projection, RoPE on the latent
     * part only, no output projection ({@code pre_only}).
     *
     * @param joint [B, N + L, C]
     * @param textLen L, the trailing text tokens
     * @return the attention output [B, N + L, C]
     */
    public NDArray forwardJoint(NDArray joint, long textLen, NDArray attentionMask, RotaryEmbedding imageRotaryEmb) {
        if (toOut != null || addQProj != null) {
            throw new IllegalStateException("forwardJoint is the single-stream (pre-only) attention");
        }
        // 1.-5. QKV projections, QK normalization, RoPE, attention   [B, H, N + L, D]
        NDArray attn = Scoped.keep(() -> {
            NDArray query = Scoped.keep(
                    () -> ropeLatentPart(heads(toQ.forward(joint), normQ), textLen, imageRotaryEmb), joint);
            NDArray key = Scoped.keep(
                    () -> ropeLatentPart(heads(toK.forward(joint), normK), textLen, imageRotaryEmb), joint);
            NDArray value = heads(toV.forward(joint), null);
            return backend.attention(query, key, value, attentionMask);
        }, joint);
        // [B, H, N + L, D] -> [B, N + L, C]
        return Scoped.keep(() -> merge(attn), attn);
    }

    /** [B, H, N + L, D] -> [B, N + L, C], then 6. the output projections of the latent and text parts. */
    private Streams project(NDArray attn, long textLen) {
        NDList out = Scoped.keepAll(() -> {
            NDArray merged = merge(attn);
            long total = merged.getShape().get(1);
            NDArray latentOut = merged.get(new NDIndex(":, :{}", total - textLen));
            NDArray textOut = merged.get(new NDIndex(":, {}:", total - textLen));
            return new NDList(nonNull(toOut).forward(latentOut), nonNull(toAddOut).forward(textOut));
        }, attn);
        return new Streams(out.get(0), out.get(1));
    }

    private NDArray heads(NDArray x, @Nullable RmsNorm norm) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray h = x.reshape(b, t, spec.heads(), spec.headDim());
        if (norm != null) {
            h = norm.forward(h);
        }
        return h.transpose(0, 2, 1, 3);
    }

    /** [B, H, T, D] -> [B, T, C]. */
    private static NDArray merge(NDArray x) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(2);
        return x.transpose(0, 2, 1, 3).reshape(b, t, -1);
    }

    private static NDArray rope(NDArray x, RotaryEmbedding r) {
        return F.applyRotaryEmbInterleaved(x, r.cos(), r.sin());
    }

    /** Rotates x[:, :, :-textLen] and keeps the text tail as is. */
    private static NDArray ropeLatentPart(NDArray x, long textLen, RotaryEmbedding r) {
        long total = x.getShape().get(2);
        NDArray latent = x.get(new NDIndex(":, :, :{}", total - textLen));
        NDArray text = x.get(new NDIndex(":, :, {}:", total - textLen));
        return NDArrays.concat(new NDList(rope(latent, r), text), 2);
    }

    private static Linear nonNull(@Nullable Linear l) {
        if (l == null) {
            throw new IllegalStateException("added projection missing");
        }
        return l;
    }
}
