package io.hunyuan4j.dit.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.transformer.IntermediateListener;
import io.hunyuan4j.core.transformer.PixArtAlphaTextProjection;
import io.hunyuan4j.core.transformer.TimestepEmbedding;
import io.hunyuan4j.core.transformer.Timesteps;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code HunyuanCombinedTimestepTextSizeStyleEmbedding}, the DiT's {@code time_extra_emb}:
 * {@code temb = timestep_embedder(sinusoid(t)) + extra_embedder(extra)}, where {@code extra} is the attention-pooled
 * raw mT5 sequence, and for v1.0/v1.1 also the six image-meta-size sinusoids (256 channels each, concatenated per
 * item) and the style embedding.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/embeddings.py">diffusers HunyuanCombinedTimestepTextSizeStyleEmbedding</a>
 */
public final class HunyuanCombinedTimestepTextSizeStyleEmbedding {

    /** Sinusoid channels of the timestep and of each image-meta-size number. */
    static final int FREQUENCY_CHANNELS = 256;
    /** original_size (h, w), target_size (h, w), crops_coords_top_left (top, left). */
    public static final int IMAGE_META_SIZE = 6;

    private final Timesteps timeProj = new Timesteps(FREQUENCY_CHANNELS, true, 0);
    private final TimestepEmbedding timestepEmbedder;
    private final Timesteps sizeProj = new Timesteps(FREQUENCY_CHANNELS, true, 0);
    private final HunyuanDiTAttentionPool pooler;
    private final @Nullable Parameter styleEmbedder;
    private final PixArtAlphaTextProjection extraEmbedder;

    /**
     * Binds {@code timestep_embedder}, {@code pooler}, {@code extra_embedder} and (v1.1) {@code style_embedder}.
     * It computes in its weights' dtype (float32 under {@link HunyuanDiT2DModel#weightLoader}).
     */
    public HunyuanCombinedTimestepTextSizeStyleEmbedding(StateDict w, HunyuanDiTConfig c, AttentionBackend backend) {
        int embeddingDim = c.hiddenSize();
        this.timestepEmbedder = new TimestepEmbedding(w.child("timestep_embedder"), FREQUENCY_CHANNELS, embeddingDim);
        this.pooler = new HunyuanDiTAttentionPool(w.child("pooler"), c.textLenT5(), c.crossAttentionDimT5(),
                c.pooledProjectionDim(), backend);
        int extraInDim = c.pooledProjectionDim();
        if (c.useStyleCondAndImageMetaSize()) {
            // nn.Embedding(1, embedding_dim): the only style is 0
            this.styleEmbedder = w.child("style_embedder").take("weight", 1, embeddingDim);
            extraInDim += FREQUENCY_CHANNELS * IMAGE_META_SIZE + embeddingDim;
        } else {
            this.styleEmbedder = null;
        }
        this.extraEmbedder = new PixArtAlphaTextProjection(w.child("extra_embedder"), extraInDim, embeddingDim * 4,
                embeddingDim);
    }

    /** Rows of the style table (the valid style ids are {@code 0 .. rows-1}); 0 without style conditioning. */
    public int styles() {
        Parameter s = styleEmbedder;
        return s == null ? 0 : (int) s.shape().get(0);
    }

    /**
     * @param timestep [B] float32
     * @param encoderHiddenStatesT5 raw mT5 states [B, L_t5, C_t5] float32
     * @param imageMetaSize [B, 6] float32, required with style conditioning
     * @param style style ids INT64 [B], each in {@code [0, styles())} (checked by the caller), required with style
     *     conditioning
     * @param listener receives {@code time_proj}, {@code timestep_embedder}, {@code pooler}, {@code size_proj},
     *     {@code style_embedder}, {@code extra_embedder}
     * @return temb [B, D]
     */
    public NDArray forward(NDArray timestep, NDArray encoderHiddenStatesT5, @Nullable NDArray imageMetaSize,
            @Nullable NDArray style, IntermediateListener listener) {
        NDArray timestepsProj = timeProj.forward(timestep);
        listener.onIntermediate("time_proj", timestepsProj);
        // the sinusoid stays float32 (bf16 weights multiply it in bf16 and return float32), so temb is float32
        NDArray timestepsEmb = timestepEmbedder.forward(timestepsProj);
        listener.onIntermediate("timestep_embedder", timestepsEmb);

        // extra condition1: text
        NDArray pooledProjections = pooler.forward(encoderHiddenStatesT5);
        listener.onIntermediate("pooler", pooledProjections);
        NDArray extraCond = pooledProjections;
        Parameter styleTable = styleEmbedder;
        if (styleTable != null) {
            if (imageMetaSize == null || style == null) {
                throw new IllegalArgumentException("image_meta_size and style are required by a model with"
                        + " use_style_cond_and_image_meta_size");
            }
            long b = timestep.getShape().get(0);
            // extra condition2: image meta size embedding, [B, 6] -> [6B, 256] -> [B, 1536]
            NDArray sizes = sizeProj.forward(imageMetaSize.reshape(-1));
            listener.onIntermediate("size_proj", sizes);
            NDArray metaEmb = F.castLike(sizes, pooledProjections).reshape(b,
                    (long) FREQUENCY_CHANNELS * IMAGE_META_SIZE);
            // extra condition3: style embedding
            NDArray styleEmbedding = F.embedding(style, styleTable.array());
            listener.onIntermediate("style_embedder", styleEmbedding);
            extraCond = NDArrays.concat(new NDList(pooledProjections, metaEmb, styleEmbedding), 1);
        }
        NDArray extra = extraEmbedder.forward(extraCond);
        listener.onIntermediate("extra_embedder", extra);
        return timestepsEmb.add(extra);
    }
}
