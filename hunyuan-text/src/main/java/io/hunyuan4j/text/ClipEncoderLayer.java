package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * Pre-LayerNorm CLIP encoder layer: {@code h = x + self_attn(layer_norm1(x))}, {@code out = h +
 * fc2(act(fc1(layer_norm2(h))))}. The attention is standard multi-head attention with biases.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/clip/modeling_clip.py">transformers CLIPEncoderLayer, CLIPAttention, CLIPMLP</a>
 */
public final class ClipEncoderLayer {

    private final ClipConfig config;
    private final LayerNorm layerNorm1;
    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear outProj;
    private final LayerNorm layerNorm2;
    private final Linear fc1;
    private final Linear fc2;

    /** Binds {@code layer_norm1}, {@code self_attn.{q,k,v,out}_proj}, {@code layer_norm2}, {@code mlp.fc1/fc2}. */
    public ClipEncoderLayer(StateDict w, ClipConfig c) {
        this.config = c;
        long d = c.hiddenSize();
        long ff = c.intermediateSize();
        this.layerNorm1 = LayerNorm.affine(w.child("layer_norm1"), d, c.layerNormEps());
        StateDict attn = w.child("self_attn");
        this.qProj = new Linear(attn.child("q_proj"), d, d);
        this.kProj = new Linear(attn.child("k_proj"), d, d);
        this.vProj = new Linear(attn.child("v_proj"), d, d);
        this.outProj = new Linear(attn.child("out_proj"), d, d);
        this.layerNorm2 = LayerNorm.affine(w.child("layer_norm2"), d, c.layerNormEps());
        this.fc1 = new Linear(w.child("mlp.fc1"), d, ff);
        this.fc2 = new Linear(w.child("mlp.fc2"), ff, d);
    }

    /**
     * @param hiddenStates [B, L, hidden]
     * @param causalMask BOOLEAN [1, 1, L, L]
     * @return [B, L, hidden] in {@code hiddenStates}' manager
     */
    public NDArray forward(NDArray hiddenStates, NDArray causalMask, AttentionBackend attention) {
        return Scoped.keep(() -> {
            NDArray residual = hiddenStates;
            NDArray h = layerNorm1.forward(hiddenStates);
            h = residual.add(selfAttn(h, causalMask, attention));
            residual = h;
            NDArray out = layerNorm2.forward(h);
            return residual.add(mlp(out));
        }, hiddenStates, causalMask);
    }

    private NDArray selfAttn(NDArray x, NDArray causalMask, AttentionBackend attention) {
        long b = x.getShape().get(0);
        long l = x.getShape().get(1);
        int heads = config.numAttentionHeads();
        int d = config.headDim();
        // [B, L, C] -> [B, H, L, D]
        NDArray q = qProj.forward(x).reshape(b, l, heads, d).transpose(0, 2, 1, 3);
        NDArray k = kProj.forward(x).reshape(b, l, heads, d).transpose(0, 2, 1, 3);
        NDArray v = vProj.forward(x).reshape(b, l, heads, d).transpose(0, 2, 1, 3);
        // scale head_dim^-0.5 is the backend's
        NDArray o = attention.attention(q, k, v, causalMask);
        // [B, H, L, D] -> [B, L, C]
        o = o.transpose(0, 2, 1, 3).reshape(b, l, (long) heads * d);
        return outProj.forward(o);
    }

    private NDArray mlp(NDArray x) {
        NDArray h = fc1.forward(x);
        h = switch (config.hiddenAct()) {
            case QUICK_GELU -> F.quickGelu(h);
            case GELU -> F.gelu(h);
            case GELU_TANH -> F.geluTanh(h);
        };
        return fc2.forward(h);
    }

    /** Every bound weight. */
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>(layerNorm1.parameters());
        for (Linear l : List.of(qProj, kProj, vProj, outProj)) {
            p.addAll(l.parameters());
        }
        p.addAll(layerNorm2.parameters());
        p.addAll(fc1.parameters());
        p.addAll(fc2.parameters());
        return p;
    }
}
