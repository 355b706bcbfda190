package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code HunyuanVideoTokenRefiner}, the DiT's {@code context_embedder}: projects the MLLM text tokens to
 * the model width and refines them with masked self-attention blocks, conditioned on the timestep and the
 * masked mean of the input tokens.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoTokenRefiner</a>
 */
public final class TokenRefiner {

    /**
     * The refiner feed-forward's width ratio: {@code HunyuanVideoTransformer3DModel} builds the refiner without
     * passing {@code mlp_ratio}, so diffusers' default 4.0 always applies.
     */
    public static final float MLP_WIDTH_RATIO = 4.0f;

    private final CombinedTimestepTextProjEmbeddings timeTextEmbed;
    private final Linear projIn;
    private final IndividualTokenRefiner tokenRefiner;

    /**
     * Binds {@code time_text_embed.*}, {@code proj_in}, {@code token_refiner.*}.
     *
     * @param inChannels the text width ({@code text_embed_dim})
     */
    public TokenRefiner(StateDict w, int inChannels, int numAttentionHeads, int attentionHeadDim, int numLayers,
            AttentionBackend backend) {
        int hiddenSize = numAttentionHeads * attentionHeadDim;
        this.timeTextEmbed = new CombinedTimestepTextProjEmbeddings(w.child("time_text_embed"), hiddenSize,
                inChannels);
        this.projIn = new Linear(w.child("proj_in"), inChannels, hiddenSize);
        this.tokenRefiner = new IndividualTokenRefiner(w.child("token_refiner"), numAttentionHeads,
                attentionHeadDim, numLayers, MLP_WIDTH_RATIO, backend);
    }

    /**
     * @param hiddenStates text tokens [B, L, in]
     * @param timestep [B]
     * @param attentionMask 0/1 mask [B, L] as float32, or null
     * @param hostMask the same mask as host values [B][L], or null
     * @param listener receives {@code time_text_embed}, {@code proj_in}, {@code token_refiner.refiner_blocks.<i>}
     * @return [B, L, C]
     */
    public NDArray forward(NDArray hiddenStates, NDArray timestep, @Nullable NDArray attentionMask,
            float @Nullable [][] hostMask, IntermediateListener listener) {
        NDArray pooledProjections;
        if (attentionMask == null) {
            pooledProjections = hiddenStates.mean(new int[] {1});
        } else {
            // masked mean over valid tokens: (x * m).sum(1) / m.sum(1)
            NDArray maskFloat = attentionMask.expandDims(-1); // [B, L, 1]
            // the float32 mask promotes a bf16 product to float32; back to the input's dtype, as diffusers does
            pooledProjections = F.castLike(
                    hiddenStates.mul(maskFloat).sum(new int[] {1}).div(maskFloat.sum(new int[] {1})), hiddenStates);
        }
        NDArray temb = timeTextEmbed.forward(timestep, pooledProjections);
        listener.onIntermediate("time_text_embed", temb);
        NDArray projected = projIn.forward(hiddenStates);
        listener.onIntermediate("proj_in", projected);
        return tokenRefiner.forward(projected, temb, hostMask, listener.prefixed("token_refiner"));
    }
}
