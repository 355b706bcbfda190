package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * SwiGLU feed-forward: {@code down_proj(silu(gate_proj(x)) * up_proj(x))}.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/llama/modeling_llama.py">transformers LlamaMLP</a>
 */
public final class LlamaMlp {

    private final Parameter gateProj;
    private final Parameter upProj;
    private final Parameter downProj;
    private final @Nullable Parameter gateProjBias;
    private final @Nullable Parameter upProjBias;
    private final @Nullable Parameter downProjBias;

    /** Binds {@code gate_proj}, {@code up_proj}, {@code down_proj} (biases when {@code mlp_bias}). */
    public LlamaMlp(StateDict w, LlamaConfig c) {
        this.gateProj = w.take("gate_proj.weight", c.intermediateSize(), c.hiddenSize());
        this.upProj = w.take("up_proj.weight", c.intermediateSize(), c.hiddenSize());
        this.downProj = w.take("down_proj.weight", c.hiddenSize(), c.intermediateSize());
        this.gateProjBias = c.mlpBias() ? w.take("gate_proj.bias", c.intermediateSize()) : null;
        this.upProjBias = c.mlpBias() ? w.take("up_proj.bias", c.intermediateSize()) : null;
        this.downProjBias = c.mlpBias() ? w.take("down_proj.bias", c.hiddenSize()) : null;
    }

    /**
     * @param x [B, L, hidden]
     * @return [B, L, hidden]
     */
    public NDArray forward(NDArray x) {
        NDArray gate = F.silu(F.linear(x, gateProj.array(), array(gateProjBias)));
        NDArray up = F.linear(x, upProj.array(), array(upProjBias));
        return F.linear(gate.mul(up), downProj.array(), array(downProjBias));
    }

    /** Every bound weight, for streaming. */
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>(List.of(gateProj, upProj, downProj));
        for (Parameter b : new Parameter[] {gateProjBias, upProjBias, downProjBias}) {
            if (b != null) {
                p.add(b);
            }
        }
        return p;
    }

    static @Nullable NDArray array(@Nullable Parameter p) {
        return p == null ? null : p.array();
    }
}
