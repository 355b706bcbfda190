package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;

/**
 * diffusers {@code HunyuanVideoSingleTransformerBlock}, the single-stream block: latent and text tokens are
 * concatenated and share every weight; attention and a parallel GELU(tanh) MLP are fused by one output
 * projection.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoSingleTransformerBlock</a>
 */
public final class SingleTransformerBlock {

    private final Attention attn;
    private final AdaLayerNormZeroSingle norm;
    private final Linear projMlp;
    private final Linear projOut;

    /** Binds {@code attn}, {@code norm}, {@code proj_mlp}, {@code proj_out}. */
    public SingleTransformerBlock(StateDict w, TransformerConfig c, AttentionBackend backend) {
        int hiddenSize = c.innerDim();
        int mlpDim = c.mlpDim();
        this.attn = new Attention(w.child("attn"),
                new Attention.Spec(c.numAttentionHeads(), c.attentionHeadDim(), true, false, true), backend);
        this.norm = new AdaLayerNormZeroSingle(w.child("norm"), hiddenSize);
        this.projMlp = new Linear(w.child("proj_mlp"), hiddenSize, mlpDim);
        this.projOut = new Linear(w.child("proj_out"), hiddenSize + mlpDim, hiddenSize);
    }

    /**
     * @param hiddenStates latent tokens [B, N, C]
     * @param encoderHiddenStates text tokens [B, L, C]
     * @param temb [B, C]
     * @param attentionMask BOOLEAN key mask [B, 1, 1, N + L]
     * @param imageRotaryEmb RoPE table for the latent tokens
     * @return both streams [B, N, C], [B, L, C]
     */
    public Streams forward(NDArray hiddenStates, NDArray encoderHiddenStates, NDArray temb, NDArray attentionMask,
            RotaryEmbedding imageRotaryEmb) {
        long textSeqLength = encoderHiddenStates.getShape().get(1);
        NDArray residual = NDArrays.concat(new NDList(hiddenStates, encoderHiddenStates), 1); // [B, N + L, C]

        // 1. Input normalization
        AdaLayerNormZeroSingle.Output n = norm.forward(residual, temb);
        long total = residual.getShape().get(1);
        NDArray normHiddenStates = n.hiddenStates().get(new NDIndex(":, :{}", total - textSeqLength));
        NDArray normEncoderHiddenStates = n.hiddenStates().get(new NDIndex(":, {}:", total - textSeqLength));

        // 2. Attention
        Streams attnOutput = attn.forward(normHiddenStates, normEncoderHiddenStates, attentionMask, imageRotaryEmb);
        NDArray joint = NDArrays.concat(new NDList(attnOutput.hiddenStates(), attnOutput.encoderHiddenStates()), 1);

        // 3. Modulation and residual connection   [B, N + L, C + mlp] -> [B, N + L, C]
        // the MLP branch and proj_out run token-chunked: the [N + L, mlp] activation exists per chunk only
        NDArray jointAndNorm = NDArrays.concat(new NDList(joint, n.hiddenStates()), 2); // [B, N + L, 2C]
        long c = joint.getShape().get(2);
        NDArray h = TokenChunks.map(jointAndNorm, x -> {
            NDArray mlpHiddenStates = F.geluTanh(projMlp.forward(x.get(new NDIndex("..., {}:", c))));
            return projOut.forward(NDArrays.concat(new NDList(x.get(new NDIndex("..., :{}", c)), mlpHiddenStates), 2));
        });
        h = h.mul(n.gateMsa().expandDims(1)).add(residual);
        return new Streams(h.get(new NDIndex(":, :{}", total - textSeqLength)),
                h.get(new NDIndex(":, {}:", total - textSeqLength)));
    }
}
