package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * SwiGLU feed-forward: {@code down_proj(silu(gate_proj(x)) * up_proj(x))}.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/llama/modeling_llama.py">transformers LlamaMLP</a>
 */
public final class LlamaMlp {

    private final Linear gateProj;
    private final Linear upProj;
    private final Linear downProj;

    /** Binds {@code gate_proj}, {@code up_proj}, {@code down_proj} (biases when {@code mlp_bias}). */
    public LlamaMlp(StateDict w, LlamaConfig c) {
        this.gateProj = new Linear(w.child("gate_proj"), c.hiddenSize(), c.intermediateSize(), c.mlpBias());
        this.upProj = new Linear(w.child("up_proj"), c.hiddenSize(), c.intermediateSize(), c.mlpBias());
        this.downProj = new Linear(w.child("down_proj"), c.intermediateSize(), c.hiddenSize(), c.mlpBias());
    }

    /**
     * @param x [B, L, hidden]
     * @return [B, L, hidden]
     */
    public NDArray forward(NDArray x) {
        NDArray gate = F.silu(gateProj.forward(x));
        NDArray up = upProj.forward(x);
        return downProj.forward(gate.mul(up));
    }

    /** Every bound weight, for streaming. */
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>();
        for (Linear l : List.of(gateProj, upProj, downProj)) {
            p.addAll(l.parameters());
        }
        return p;
    }
}
