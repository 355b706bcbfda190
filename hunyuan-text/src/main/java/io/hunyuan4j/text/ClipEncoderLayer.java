package io.hunyuan4j.text;

import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;

/**
 * Pre-LayerNorm CLIP encoder layer: {@code h = x + self_attn(layer_norm1(x))}, {@code out = h +
 * fc2(act(fc1(layer_norm2(h))))}. The attention is standard multi-head attention with biases.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/clip/modeling_clip.py">transformers CLIPEncoderLayer, CLIPAttention, CLIPMLP</a>
 */
public final class ClipEncoderLayer {

    private final ClipConfig config;
    private final Parameter layerNorm1Weight;
    private final Parameter layerNorm1Bias;
    private final Parameter qProjWeight;
    private final Parameter qProjBias;
    private final Parameter kProjWeight;
    private final Parameter kProjBias;
    private final Parameter vProjWeight;
    private final Parameter vProjBias;
    private final Parameter outProjWeight;
    private final Parameter outProjBias;
    private final Parameter layerNorm2Weight;
    private final Parameter layerNorm2Bias;
    private final Parameter fc1Weight;
    private final Parameter fc1Bias;
    private final Parameter fc2Weight;
    private final Parameter fc2Bias;

    /** Binds {@code layer_norm1}, {@code self_attn.{q,k,v,out}_proj}, {@code layer_norm2}, {@code mlp.fc1/fc2}. */
    public ClipEncoderLayer(StateDict w, ClipConfig c) {
        this.config = c;
        long d = c.hiddenSize();
        long ff = c.intermediateSize();
        this.layerNorm1Weight = w.take("layer_norm1.weight", d);
        this.layerNorm1Bias = w.take("layer_norm1.bias", d);
        StateDict attn = w.child("self_attn");
        this.qProjWeight = attn.take("q_proj.weight", d, d);
        this.qProjBias = attn.take("q_proj.bias", d);
        this.kProjWeight = attn.take("k_proj.weight", d, d);
        this.kProjBias = attn.take("k_proj.bias", d);
        this.vProjWeight = attn.take("v_proj.weight", d, d);
        this.vProjBias = attn.take("v_proj.bias", d);
        this.outProjWeight = attn.take("out_proj.weight", d, d);
        this.outProjBias = attn.take("out_proj.bias", d);
        this.layerNorm2Weight = w.take("layer_norm2.weight", d);
        this.layerNorm2Bias = w.take("layer_norm2.bias", d);
        this.fc1Weight = w.take("mlp.fc1.weight", ff, d);
        this.fc1Bias = w.take("mlp.fc1.bias", ff);
        this.fc2Weight = w.take("mlp.fc2.weight", d, ff);
        this.fc2Bias = w.take("mlp.fc2.bias", d);
    }

    /**
     * @param hiddenStates [B, L, hidden]
     * @param causalMask BOOLEAN [1, 1, L, L]
     * @return [B, L, hidden] in {@code hiddenStates}' manager
     */
    public NDArray forward(NDArray hiddenStates, NDArray causalMask, AttentionBackend attention) {
        return Scoped.keep(() -> {
            NDArray residual = hiddenStates;
            NDArray h = F.layerNorm(hiddenStates, layerNorm1Weight.array(), layerNorm1Bias.array(),
                    config.layerNormEps());
            h = residual.add(selfAttn(h, causalMask, attention));
            residual = h;
            NDArray out = F.layerNorm(h, layerNorm2Weight.array(), layerNorm2Bias.array(), config.layerNormEps());
            return residual.add(mlp(out));
        }, hiddenStates, causalMask);
    }

    private NDArray selfAttn(NDArray x, NDArray causalMask, AttentionBackend attention) {
        long b = x.getShape().get(0);
        long l = x.getShape().get(1);
        int heads = config.numAttentionHeads();
        int d = config.headDim();
        // [B, L, C] -> [B, H, L, D]
        NDArray q = F.linear(x, qProjWeight.array(), qProjBias.array()).reshape(b, l, heads, d).transpose(0, 2, 1, 3);
        NDArray k = F.linear(x, kProjWeight.array(), kProjBias.array()).reshape(b, l, heads, d).transpose(0, 2, 1, 3);
        NDArray v = F.linear(x, vProjWeight.array(), vProjBias.array()).reshape(b, l, heads, d).transpose(0, 2, 1, 3);
        // scale head_dim^-0.5 is the backend's
        NDArray o = attention.attention(q, k, v, causalMask);
        // [B, H, L, D] -> [B, L, C]
        o = o.transpose(0, 2, 1, 3).reshape(b, l, (long) heads * d);
        return F.linear(o, outProjWeight.array(), outProjBias.array());
    }

    private NDArray mlp(NDArray x) {
        NDArray h = F.linear(x, fc1Weight.array(), fc1Bias.array());
        h = switch (config.hiddenAct()) {
            case QUICK_GELU -> F.quickGelu(h);
            case GELU -> F.gelu(h);
            case GELU_TANH -> F.geluTanh(h);
        };
        return F.linear(h, fc2Weight.array(), fc2Bias.array());
    }

    /** Every bound weight. */
    public java.util.List<Parameter> parameters() {
        return java.util.List.of(layerNorm1Weight, layerNorm1Bias, qProjWeight, qProjBias, kProjWeight, kProjBias,
                vProjWeight, vProjBias, outProjWeight, outProjBias, layerNorm2Weight, layerNorm2Bias, fc1Weight,
                fc1Bias, fc2Weight, fc2Bias);
    }
}
