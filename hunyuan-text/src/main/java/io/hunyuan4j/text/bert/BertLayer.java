package io.hunyuan4j.text.bert;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * Post-LayerNorm encoder layer: {@code a = LayerNorm(x + attention.output.dense(self(x)))}, then
 * {@code LayerNorm(a + output.dense(act(intermediate.dense(a))))}. transformers splits it into BertAttention
 * (BertSelfAttention + BertSelfOutput), BertIntermediate and BertOutput; the last three are one linear (and a
 * norm) each and live here, under their attribute paths.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/bert/modeling_bert.py">transformers BertLayer, BertSelfOutput, BertIntermediate, BertOutput</a>
 */
public final class BertLayer {

    private final BertConfig config;
    private final BertSelfAttention attentionSelf;
    private final Linear attentionOutputDense;
    private final LayerNorm attentionOutputLayerNorm;
    private final Linear intermediateDense;
    private final Linear outputDense;
    private final LayerNorm outputLayerNorm;

    /** Binds {@code attention.self}, {@code attention.output}, {@code intermediate}, {@code output}. */
    public BertLayer(StateDict w, BertConfig c) {
        this.config = c;
        long d = c.hiddenSize();
        StateDict attention = w.child("attention");
        this.attentionSelf = new BertSelfAttention(attention.child("self"), c);
        this.attentionOutputDense = new Linear(attention.child("output").child("dense"), d, d);
        this.attentionOutputLayerNorm = LayerNorm.affine(attention.child("output").child("LayerNorm"), d,
                c.layerNormEps());
        this.intermediateDense = new Linear(w.child("intermediate").child("dense"), d, c.intermediateSize());
        this.outputDense = new Linear(w.child("output").child("dense"), c.intermediateSize(), d);
        this.outputLayerNorm = LayerNorm.affine(w.child("output").child("LayerNorm"), d, c.layerNormEps());
    }

    /**
     * @param hiddenStates [B, L, hidden]
     * @param keyMask BOOLEAN [B, 1, 1, L]
     * @return [B, L, hidden] in {@code hiddenStates}' manager; intermediates die in a block scope
     */
    public NDArray forward(NDArray hiddenStates, NDArray keyMask, AttentionBackend attention) {
        return Scoped.keep(() -> {
            // 1. BertAttention: self-attention, then BertSelfOutput (dense, residual, LayerNorm)
            NDArray selfOutput = attentionSelf.forward(hiddenStates, keyMask, attention);
            NDArray attentionOutput = attentionOutputLayerNorm.forward(
                    attentionOutputDense.forward(selfOutput).add(hiddenStates));
            // 2. BertIntermediate, then BertOutput (dense, residual, LayerNorm)
            NDArray intermediateOutput = act(intermediateDense.forward(attentionOutput));
            return outputLayerNorm.forward(outputDense.forward(intermediateOutput).add(attentionOutput));
        }, hiddenStates, keyMask);
    }

    private NDArray act(NDArray x) {
        return switch (config.hiddenAct()) {
            case GELU -> F.gelu(x);
            case GELU_NEW -> F.geluTanh(x);
            case RELU -> x.getNDArrayInternal().relu();
        };
    }
}
