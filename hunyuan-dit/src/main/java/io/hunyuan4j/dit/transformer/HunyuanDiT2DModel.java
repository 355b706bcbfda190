package io.hunyuan4j.dit.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.Denoiser;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.transformer.AdaLayerNormContinuous;
import io.hunyuan4j.core.transformer.IntermediateListener;
import io.hunyuan4j.core.transformer.PixArtAlphaTextProjection;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.core.transformer.TransformerModel;
import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorLoader;
import io.hunyuan4j.core.weights.TensorSource;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * diffusers {@code HunyuanDiT2DModel}: the HunyuanDiT denoiser. Latent patches pass {@code num_layers}
 * {@link HunyuanDiTBlock}s (self-attention with 2D RoPE, cross-attention to the concatenated BERT + projected mT5
 * tokens, long skips from the first half to the second), conditioned by
 * {@code temb = timestep embedding + extra_embedder(attention-pooled mT5 [; image meta size; style])}; the output
 * has {@code 2 C} channels with {@code learn_sigma} (the pipeline keeps the first C: the v-prediction).
 *
 * <p>There is no attention mask anywhere: padded text positions are replaced by the learned
 * {@code text_embedding_padding} rows, and the pooler reads every mT5 position.
 *
 * <p>With {@link ComputeDtype#BF16} the weights, the text streams, the conditioning and the inputs of every
 * attention and feed-forward are bf16 (bf16 matmuls and attention); the residual stream of the blocks stays float32.
 *
 * <p>The pipeline's {@link Denoiser} view ({@link DenoiserInput}) cannot carry the two text streams, the style and
 * the RoPE table, so this model is called through {@link #forward(HunyuanDiTInput)};
 * {@link #forward(DenoiserInput)} throws.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/hunyuan_transformer_2d.py">diffusers HunyuanDiT2DModel</a>
 */
public final class HunyuanDiT2DModel extends TransformerModel {

    /** diffusers: {@code AdaLayerNormContinuous(inner_dim, inner_dim, elementwise_affine=False, eps=1e-6)}. */
    static final float NORM_OUT_EPS = 1e-6f;
    private static final Pattern BLOCK = Pattern.compile("^(blocks\\.\\d+)\\.");

    private final HunyuanDiTConfig config;
    private final PixArtAlphaTextProjection textEmbedder;
    private final Parameter textEmbeddingPadding;
    private final PatchEmbed posEmbed;
    private final HunyuanCombinedTimestepTextSizeStyleEmbedding timeExtraEmb;
    private final List<HunyuanDiTBlock> blocks;
    private final AdaLayerNormContinuous normOut;
    private final Linear projOut;

    /**
     * Builds the module tree and binds every weight of {@code w} (float32 compute).
     *
     * @param w the checkpoint view at the transformer's root (names like {@code pos_embed.proj.weight})
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException listing every missing, unexpected and
     *     mis-shaped tensor
     */
    public HunyuanDiT2DModel(HunyuanDiTConfig config, StateDict w, AttentionBackend backend) {
        this(config, w, backend, ComputeDtype.FLOAT32, true);
    }

    /**
     * As {@link #HunyuanDiT2DModel(HunyuanDiTConfig, StateDict, AttentionBackend)}, computing in
     * {@code computeDtype}; for {@link ComputeDtype#BF16} load {@code w} with {@link #weightLoader}.
     */
    public HunyuanDiT2DModel(HunyuanDiTConfig config, StateDict w, AttentionBackend backend,
            ComputeDtype computeDtype) {
        this(config, w, backend, computeDtype, true);
    }

    private HunyuanDiT2DModel(HunyuanDiTConfig config, StateDict w, AttentionBackend backend,
            ComputeDtype computeDtype, boolean strict) {
        super(w, computeDtype);
        this.config = config;
        int innerDim = config.innerDim();
        this.textEmbedder = new PixArtAlphaTextProjection(w.child("text_embedder"), config.crossAttentionDimT5(),
                config.crossAttentionDimT5() * 4, config.crossAttentionDim());
        this.textEmbeddingPadding = w.take("text_embedding_padding", config.contextLength(),
                config.crossAttentionDim());
        this.posEmbed = new PatchEmbed(w.child("pos_embed"), config.patchSize(), config.inChannels(),
                config.hiddenSize());
        this.timeExtraEmb = new HunyuanCombinedTimestepTextSizeStyleEmbedding(w.child("time_extra_emb"), config,
                backend);
        List<HunyuanDiTBlock> list = new ArrayList<>();
        for (int layer = 0; layer < config.numLayers(); layer++) {
            list.add(new HunyuanDiTBlock(w.child("blocks", layer), config, layer > config.numLayers() / 2, backend,
                    computeDtype));
        }
        this.blocks = List.copyOf(list);
        this.normOut = new AdaLayerNormContinuous(w.child("norm_out"), innerDim, innerDim, NORM_OUT_EPS);
        this.projOut = new Linear(w.child("proj_out"), innerDim,
                (long) config.patchSize() * config.patchSize() * config.outChannels());
        bound(w, strict, BLOCK, blockOrder("blocks", blocks.size()));
    }

    /**
     * The weight loader of the mixed-precision policy. Under {@link ComputeDtype#BF16} the blocks' weights (their
     * projections, feed-forward, modulation and long-skip linears: about 97% of the parameters) load as bf16 and the
     * rest (patch and text embedders, the timestep / pooled-text / size / style embedding, {@code norm_out},
     * {@code proj_out}) as float32, so those layers compute in float32: {@code proj_out} writes the prediction
     * itself, whose bf16 rounding classifier-free guidance then amplifies.
     *
     * @param computeDtype the compute dtype
     * @return {@code computeDtype.loader()} for float32, else the mixed loader
     */
    public static TensorLoader weightLoader(ComputeDtype computeDtype) {
        return mixedLoader(computeDtype, BLOCK);
    }

    /**
     * The state-dict names and shapes a config implies, in binding order: what a {@code transformer/} checkpoint
     * for it must hold exactly. Nothing is allocated.
     */
    public static Map<String, Shape> expectedShapes(HunyuanDiTConfig config) {
        StateDict w = StateDict.shapeOnly(Map.of(), "expected");
        return new HunyuanDiT2DModel(config, w, new ChunkedAttention(), ComputeDtype.FLOAT32, false)
                .parameterShapes();
    }

    /**
     * Loads a diffusers {@code transformer/} folder: {@code config.json} and its safetensors (single file or
     * sharded), bound strictly by name and shape into a weight manager this model owns.
     *
     * @throws io.hunyuan4j.core.config.ConfigException for a missing, invalid or out-of-bounds config (file and key
     *     named), before any weight is read
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException if the names or shapes differ from the config's
     * @throws UnsupportedOperationException for {@link ComputeDtype#BF16} without the ops layer's kernel library
     */
    public static HunyuanDiT2DModel load(Path dir, ComponentOptions options) {
        HunyuanDiTConfig config = HunyuanDiTConfig.fromJson(JsonConfig.read(dir.resolve("config.json")));
        return owningSource(Checkpoints.open(dir), options, source -> bind(config, source, options, dir.toString()));
    }

    /**
     * Builds the DiT from tensors the caller owns and closes after this model (a golden fixture's weights), bound
     * strictly into a weight manager this model owns.
     *
     * @param where names the weights in messages
     */
    public static HunyuanDiT2DModel fromWeights(HunyuanDiTConfig config, TensorSource weights,
            ComponentOptions options, String where) {
        return bind(config, weights, options, where);
    }

    private static HunyuanDiT2DModel bind(HunyuanDiTConfig config, TensorSource source, ComponentOptions options,
            String where) {
        return bind(source, options, weightLoader(options.computeDtype()), where, "hunyuandit-transformer-weights",
                w -> new HunyuanDiT2DModel(config, w, AttentionBackends.defaultBackend(), options.computeDtype()));
    }

    /** The config the model was built from. */
    public HunyuanDiTConfig config() {
        return config;
    }

    /**
     * Not supported: {@link DenoiserInput} has no place for the mT5 stream, the masks, the style and the RoPE table.
     *
     * @throws UnsupportedOperationException always; call {@link #forward(HunyuanDiTInput)}
     */
    @Override
    public NDArray forward(DenoiserInput input) {
        throw new UnsupportedOperationException("HunyuanDiT2DModel takes BERT and mT5 embeddings, masks, style and"
                + " a 2D RoPE table: call forward(HunyuanDiTInput)");
    }

    /** The forward pass: {@link #forward(HunyuanDiTInput, IntermediateListener)} without intermediates. */
    public NDArray forward(HunyuanDiTInput input) {
        return forward(input, IntermediateListener.NONE);
    }

    /**
     * The diffusers forward pass, reporting intermediates under the reference's module names.
     *
     * @param listener receives {@code pos_embed}, {@code time_extra_emb*}, {@code text_embedder},
     *     {@code encoder_hidden_states_padded}, {@code blocks.<i>} (and {@code blocks.<i>.skip_linear},
     *     {@code blocks.0.norm1|attn1|norm2|attn2|norm3|ff}), {@code norm_out}, {@code proj_out}, each float32
     * @return [B, out_channels, H, W] float32, in {@code input.hiddenStates()}' manager
     * @throws IllegalArgumentException for bad input, before any heavy computation
     */
    public NDArray forward(HunyuanDiTInput input, IntermediateListener listener) {
        NDArray x = input.hiddenStates();
        listener = float32Intermediates(listener);
        GroupOnloader off = blockOffloader();
        try (NDManager call = x.getManager().newSubManager();
                GroupOnloader.Scope sharedWeights = GroupOnloader.scope(off, this, SHARED, call)) {
            // checks and casts create temporaries: lend the inputs to the call scope so those die with it
            HunyuanDiTInputChecks.lend(call, input);
            HunyuanDiTInputChecks.check(input, config, timeExtraEmb.styles());
            Shape s = x.getShape();
            // bf16: the blocks' weights, the attention and feed-forward inputs and the text context; the residual
            // stream, the embedders and the output layers stay float32 (see weightLoader; diffusers keeps all in the
            // model dtype: float32 sums hold 6 blocks within the 3e-2 bf16 bound, bf16 sums do not)
            NDArray latents = x.toType(DataType.FLOAT32, false);
            NDArray bert = F.toFloat32(input.encoderHiddenStates());
            NDArray t5 = F.toFloat32(input.encoderHiddenStatesT5());
            NDArray timestep = input.timestep().toType(DataType.FLOAT32, false);
            NDArray meta = input.imageMetaSize();
            if (meta != null) {
                meta = meta.toType(DataType.FLOAT32, false);
            }
            RotaryEmbedding rope = input.imageRotaryEmb();

            NDArray hiddenStates = posEmbed.forward(latents);
            listener.onIntermediate("pos_embed", hiddenStates);
            NDArray temb = timeExtraEmb.forward(timestep, t5, meta, input.style(), listener.prefixed("time_extra_emb"));
            listener.onIntermediate("time_extra_emb", temb);

            // [B, L_t5, C_t5] -> [B, L_t5, C]
            NDArray t5Projected = textEmbedder.forward(t5);
            listener.onIntermediate("text_embedder", t5Projected);
            NDArray encoderHiddenStates = NDArrays.concat(new NDList(bert, t5Projected), 1);
            NDArray mask = NDArrays.concat(new NDList(input.textEmbeddingMask(), input.textEmbeddingMaskT5()), -1);
            // padded positions are REPLACED by the learned rows: [B, L, 1] -> [B, L, C]
            NDArray keep = mask.gt(0).expandDims(2).broadcast(encoderHiddenStates.getShape());
            encoderHiddenStates = NDArrays.where(keep, encoderHiddenStates,
                    F.castLike(textEmbeddingPadding.array(), encoderHiddenStates));
            listener.onIntermediate("encoder_hidden_states_padded", encoderHiddenStates);
            encoderHiddenStates = F.toCompute(encoderHiddenStates, computeDtype()); // the cross-attention's k/v input

            Deque<NDArray> skips = new ArrayDeque<>();
            int numLayers = config.numLayers();
            NDArray[] shared = {temb, encoderHiddenStates, rope.cos(), rope.sin()};
            for (int layer = 0; layer < numLayers; layer++) {
                HunyuanDiTBlock block = blocks.get(layer);
                NDArray skip = layer > numLayers / 2 ? skips.pop() : null;
                IntermediateListener blockListener = listener.prefixed("blocks." + layer);
                NDArray in = hiddenStates;
                NDArray ctx = encoderHiddenStates;
                NDArray out;
                try (GroupOnloader.Scope weights = GroupOnloader.scope(off, this, "blocks." + layer, call);
                        NDManager scope = call.newSubManager()) {
                    // the input dies with the block unless it is a pending skip, which is only lent: either way the
                    // block's temporaries follow it into the scope (left in the call manager, every first-half
                    // block's activations lived until the step ended: about 1 GiB a block at 1024x1024)
                    if (skips.contains(in)) {
                        scope.tempAttachAll(in);
                    } else {
                        scope.attachAll(in);
                    }
                    if (skip != null) {
                        scope.attachAll(skip);
                    }
                    scope.tempAttachAll(shared);
                    out = block.forward(in, ctx, temb, rope, skip, blockListener);
                    out.attach(call);
                }
                listener.onIntermediate("blocks." + layer, out);
                hiddenStates = out;
                if (layer < numLayers / 2 - 1) {
                    skips.push(hiddenStates);
                }
            }

            NDArray normed = normOut.forward(hiddenStates, temb);
            listener.onIntermediate("norm_out", normed);
            NDArray projected = projOut.forward(normed);
            listener.onIntermediate("proj_out", projected);
            return call.ret(F.toFloat32(unpatchify(projected, s)));
        }
    }

    /**
     * Tokens back to a latent image: {@code proj_out} channels are ordered (p, q, C).
     *
     * @param projected [B, N, p * p * C_out]
     * @param latentShape the input's [B, C, H, W]
     * @return [B, C_out, H, W]
     */
    private NDArray unpatchify(NDArray projected, Shape latentShape) {
        long b = latentShape.get(0);
        int p = config.patchSize();
        long height = latentShape.get(2) / p;
        long width = latentShape.get(3) / p;
        // [B, N, p*p*C] -> [B, h, w, p, q, C] -einsum nhwpqc->nchpwq-> [B, C, h, p, w, q] -> [B, C, H, W]
        return projected.reshape(b, height, width, p, p, config.outChannels())
                .transpose(0, 5, 1, 3, 2, 4)
                .reshape(b, config.outChannels(), height * p, width * p);
    }

    /** {@inheritDoc} */
    @Override
    public int inChannels() {
        return config.inChannels();
    }

    /** {@inheritDoc} */
    @Override
    public int patchSize() {
        return config.patchSize();
    }

    /** 1: an image model. */
    @Override
    public int patchSizeT() {
        return 1;
    }

    /** False: HunyuanDiT uses true classifier-free guidance. */
    @Override
    public boolean guidanceEmbeds() {
        return false;
    }

    /** For messages. */
    @Override
    public String toString() {
        return "HunyuanDiT2DModel" + config;
    }
}
