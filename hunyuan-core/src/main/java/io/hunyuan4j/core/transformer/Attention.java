package io.hunyuan4j.core.transformer;

import io.hunyuan4j.core.nn.Scoped;
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
     * @param attentionMask BOOLEAN key mask [B, 1, 1, N + L], or null when no text token is padded
     * @param imageRotaryEmb RoPE table for the N latent tokens
     * @return the attention outputs of both streams, projected unless {@code pre_only}
     */
    public Streams forward(NDArray hiddenStates, NDArray encoderHiddenStates, @Nullable NDArray attentionMask,
            RotaryEmbedding imageRotaryEmb) {
        NDList qkv = Scoped.keepAll(() -> qkv(hiddenStates, encoderHiddenStates, imageRotaryEmb), hiddenStates,
                encoderHiddenStates);
        return project(attend(qkv, attentionMask), encoderHiddenStates.getShape().get(1));
    }

    /**
     * 1.-4. Latent and text QKV projections, QK normalization, RoPE on the latent tokens, joined.
     *
     * @return q, k, v [B, H, N + L, D]
     */
    public NDList qkv(NDArray hiddenStates, NDArray encoderHiddenStates, RotaryEmbedding imageRotaryEmb) {
        Linear addQ = nonNull(addQProj);
        NDArray query = NDArrays.concat(new NDList(projectHeads(hiddenStates, toQ, normQ, imageRotaryEmb),
                heads(addQ.forward(encoderHiddenStates), normAddedQ)), 2);
        NDArray key = NDArrays.concat(new NDList(projectHeads(hiddenStates, toK, normK, imageRotaryEmb),
                heads(nonNull(addKProj).forward(encoderHiddenStates), normAddedK)), 2);
        NDArray value = NDArrays.concat(new NDList(heads(toV.forward(hiddenStates), null),
                heads(nonNull(addVProj).forward(encoderHiddenStates), null)), 2);
        return new NDList(query, key, value);
    }

    /**
     * Single-stream QKV over the already concatenated tokens: one projection, RoPE on the latent part only.
     *
     * @param joint [B, N + L, C]
     * @param textLen L, the trailing text tokens
     * @return q, k, v [B, H, N + L, D]
     */
    public NDList qkvJoint(NDArray joint, long textLen, RotaryEmbedding imageRotaryEmb) {
        long total = joint.getShape().get(1);
        NDArray latent = joint.get(new NDIndex(":, :{}", total - textLen));
        NDArray text = joint.get(new NDIndex(":, {}:", total - textLen));
        NDArray query = NDArrays.concat(new NDList(projectHeads(latent, toQ, normQ, imageRotaryEmb),
                projectHeads(text, toQ, normQ, null)), 2);
        NDArray key = NDArrays.concat(new NDList(projectHeads(latent, toK, normK, imageRotaryEmb),
                projectHeads(text, toK, normK, null)), 2);
        NDArray value = heads(toV.forward(joint), null);
        return new NDList(query, key, value);
    }

    /**
     * 5. Attention, consuming q, k and v (they are freed when it returns).
     *
     * @return [B, N + L, C]
     */
    public NDArray attend(NDList qkv, @Nullable NDArray attentionMask) {
        // [B, H, N + L, D] -> [B, N + L, C]
        return Scoped.keepConsuming(() -> merge(backend.attention(qkv.get(0), qkv.get(1), qkv.get(2),
                attentionMask)), qkv.get(0), qkv.get(1), qkv.get(2));
    }

    /** 6. The output projections of the latent and text parts, consuming the attention output. */
    public Streams project(NDArray attnOutput, long textLen) {
        NDList out = Scoped.keepAllConsuming(() -> {
            long total = attnOutput.getShape().get(1);
            NDArray latentOut = attnOutput.get(new NDIndex(":, :{}", total - textLen));
            NDArray textOut = attnOutput.get(new NDIndex(":, {}:", total - textLen));
            return new NDList(nonNull(toOut).forward(latentOut), nonNull(toAddOut).forward(textOut));
        }, attnOutput);
        return new Streams(out.get(0), out.get(1));
    }

    /**
     * [B, T, C] -> [B, H, T, D]: projection, per-head RMSNorm and RoPE (when given; positions 0..T-1 of the
     * table), computed per token chunk so their float32 temporaries never span the whole sequence.
     */
    NDArray projectHeads(NDArray x, Linear proj, @Nullable RmsNorm norm, @Nullable RotaryEmbedding rope) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int h = spec.heads();
        int d = spec.headDim();
        NDArray flat = TokenChunks.mapIndexed(x, (chunk, start, end) -> {
            long n = end - start;
            NDArray y = proj.forward(chunk).reshape(b, n, h, d); // [B, n, H, D]
            if (norm != null) {
                y = norm.forward(y);
            }
            if (rope != null) {
                // [n, D] -> [n, 1, D], broadcast over heads; owned by the chunk so it dies with it
                NDArray cos = rope.cos().get(new NDIndex("{}:{}", start, end));
                NDArray sin = rope.sin().get(new NDIndex("{}:{}", start, end));
                cos.attach(chunk.getManager());
                sin.attach(chunk.getManager());
                y = F.applyRotaryEmbInterleaved(y, cos.reshape(n, 1, d), sin.reshape(n, 1, d));
            }
            return y.reshape(b, n, (long) h * d);
        });
        return flat.reshape(b, t, h, d).transpose(0, 2, 1, 3);
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


    /** Rotates x[:, :, :-textLen] and keeps the text tail as is. */

    private static Linear nonNull(@Nullable Linear l) {
        if (l == null) {
            throw new IllegalStateException("added projection missing");
        }
        return l;
    }
}
