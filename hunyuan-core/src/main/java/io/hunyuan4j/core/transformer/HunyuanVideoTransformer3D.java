package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.api.ImageConditionType;
import io.hunyuan4j.core.cache.BlockStack;
import io.hunyuan4j.core.cache.BlockStreams;
import io.hunyuan4j.core.cache.CacheContext;
import io.hunyuan4j.core.cache.ModuleHook;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.nn.Conv3d;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code HunyuanVideoTransformer3DModel}: the HunyuanVideo DiT, text-to-video and image-to-video
 * ({@link ImageConditionType}: {@code latent_concat} takes the image latent and mask as extra input channels,
 * {@code token_replace} modulates the first frame's tokens from timestep 0). Latent tokens and refined text
 * tokens pass {@code num_layers} dual-stream blocks, then
 * {@code num_single_layers} single-stream blocks, with full 3D attention, 3D RoPE on latent tokens, and
 * AdaLN modulation by timestep + guidance + pooled text.
 *
 * <p>Weights are bound by their diffusers names from a {@link StateDict}; every block of a forward pass runs in
 * its own {@link NDManager} scope, so only the activations crossing block boundaries stay alive.
 *
 * <pre>{@code
 * try (HunyuanVideoTransformer3D dit = HunyuanVideoTransformer3D.load(dir.resolve("transformer"),
 *         ComponentOptions.defaults())) {
 *     NDArray velocity = dit.forward(new DenoiserInput(latents, t, promptEmbeds, mask, pooled, guidance));
 * }
 * }</pre>
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoTransformer3DModel</a>
 */
public final class HunyuanVideoTransformer3D extends TransformerModel {

    /** diffusers: {@code AdaLayerNormContinuous(inner_dim, inner_dim, elementwise_affine=False, eps=1e-6)}. */
    static final float NORM_OUT_EPS = 1e-6f;
    /** Onload units: the refiner, each dual and single block; everything else is {@link #SHARED}. */
    private static final Pattern UNIT = Pattern.compile(
            "^(context_embedder|transformer_blocks\\.\\d+|single_transformer_blocks\\.\\d+)\\.");

    private final TransformerConfig config;
    private final PatchEmbed xEmbedder;
    private final TokenRefiner contextEmbedder;
    private final ConditionEmbedding timeTextEmbed;
    private final RotaryPosEmbed rope;
    private final List<TransformerBlock> transformerBlocks;
    private final List<SingleTransformerBlock> singleTransformerBlocks;
    private final AdaLayerNormContinuous normOut;
    private final Linear projOut;

    /**
     * Builds the module tree and binds every weight of {@code w}.
     *
     * @param w the checkpoint view at the transformer's root (names like {@code x_embedder.proj.weight})
     * @param backend the attention implementation
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException listing every missing, unexpected and
     *     mis-shaped tensor
     */
    public HunyuanVideoTransformer3D(TransformerConfig config, StateDict w, AttentionBackend backend) {
        this(config, w, backend, ComputeDtype.FLOAT32, true);
    }

    /**
     * As {@link #HunyuanVideoTransformer3D(TransformerConfig, StateDict, AttentionBackend)}, computing in
     * {@code computeDtype}: for {@link ComputeDtype#BF16}, {@code w} is loaded with {@code computeDtype.loader()}
     * (docs/transformer.md, "bf16").
     */
    public HunyuanVideoTransformer3D(TransformerConfig config, StateDict w, AttentionBackend backend,
            ComputeDtype computeDtype) {
        this(config, w, backend, computeDtype, true);
    }

    private HunyuanVideoTransformer3D(TransformerConfig config, StateDict w, AttentionBackend backend,
            ComputeDtype computeDtype, boolean strict) {
        super(w, computeDtype);
        this.config = config;
        int innerDim = config.innerDim();
        // 1. Latent and condition embedders
        this.xEmbedder = new PatchEmbed(w.child("x_embedder"),
                new Conv3d.Size3(config.patchSizeT(), config.patchSize(), config.patchSize()), config.inChannels(),
                innerDim);
        this.contextEmbedder = new TokenRefiner(w.child("context_embedder"), config.textEmbedDim(),
                config.numAttentionHeads(), config.attentionHeadDim(), config.numRefinerLayers(), backend);
        this.timeTextEmbed = new ConditionEmbedding(w.child("time_text_embed"), innerDim,
                config.pooledProjectionDim(), config.guidanceEmbeds());
        // 2. RoPE
        this.rope = new RotaryPosEmbed(config.patchSize(), config.patchSizeT(), config.ropeAxesDim(),
                config.ropeTheta());
        // 3. Dual stream transformer blocks
        List<TransformerBlock> dual = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            dual.add(new TransformerBlock(w.child("transformer_blocks", i), config, backend));
        }
        this.transformerBlocks = List.copyOf(dual);
        // 4. Single stream transformer blocks
        List<SingleTransformerBlock> single = new ArrayList<>();
        for (int i = 0; i < config.numSingleLayers(); i++) {
            single.add(new SingleTransformerBlock(w.child("single_transformer_blocks", i), config, backend));
        }
        this.singleTransformerBlocks = List.copyOf(single);
        // 5. Output projection
        this.normOut = new AdaLayerNormContinuous(w.child("norm_out"), innerDim, innerDim, NORM_OUT_EPS);
        this.projOut = new Linear(w.child("proj_out"), innerDim, config.projOutChannels());
        bound(w, strict, UNIT, List.of(SHARED));
    }

    /**
     * The state-dict names and shapes a config implies, in binding order: what a {@code transformer/} checkpoint
     * for it must hold exactly. Nothing is allocated.
     */
    public static Map<String, Shape> expectedShapes(TransformerConfig config) {
        StateDict w = StateDict.shapeOnly(Map.of(), "expected");
        return new HunyuanVideoTransformer3D(config, w, new ChunkedAttention(), ComputeDtype.FLOAT32, false)
                .parameterShapes();
    }

    /**
     * Loads a diffusers {@code transformer/} folder: {@code config.json} and its safetensors (single file or
     * sharded), bound strictly by name and shape, into a weight manager this model owns. With
     * {@link ComputeDtype#BF16} the floating weights are held as bf16 (a bf16 checkpoint bit-exact, at half the
     * memory of float32) and the forward pass computes in bf16.
     *
     * @throws UnsupportedOperationException for {@link ComputeDtype#BF16} without the ops layer's kernel library
     * @throws io.hunyuan4j.core.config.ConfigException for a missing, unsupported, invalid or out-of-bounds config
     *     (file and key named), before any weight is read
     * @throws io.hunyuan4j.core.weights.SafetensorsException for a malformed weight file or one that is not a
     *     regular file
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException if the names or shapes differ from the config's
     * @throws IllegalArgumentException if the folder holds no weights or several candidates
     * @throws java.io.UncheckedIOException if a file cannot be read
     */
    public static HunyuanVideoTransformer3D load(Path dir, ComponentOptions options) {
        TransformerConfig config = TransformerConfig.fromJson(JsonConfig.read(dir.resolve("config.json")));
        return load(dir, config, options);
    }

    /**
     * Loads transformer weights from a file, index or folder in any layout {@link TransformerCheckpoint} reads
     * (diffusers or Tencent's original names, FP8 or scaled FP8), for {@code config}.
     *
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException listing every missing, unexpected and
     *     mis-shaped tensor (under diffusers names)
     */
    public static HunyuanVideoTransformer3D load(Path weights, TransformerConfig config, ComponentOptions options) {
        return load(weights, null, config, options);
    }

    /**
     * Loads a single-file checkpoint (e.g. Tencent's {@code mp_rank_00_model_states.safetensors} or a ComfyUI
     * {@code hunyuan_video_t2v_720p_bf16.safetensors}), its config inferred from the tensor shapes
     * ({@link TransformerCheckpoint#inferConfig}).
     */
    public static HunyuanVideoTransformer3D fromSingleFile(Path file, ComponentOptions options) {
        TensorSource source = TransformerCheckpoint.open(file);
        TransformerConfig config;
        try {
            config = TransformerCheckpoint.inferConfig(source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        return load(file, source, config, options);
    }

    private static HunyuanVideoTransformer3D load(Path path, @Nullable TensorSource opened, TransformerConfig config,
            ComponentOptions options) {
        TensorSource source = opened != null ? opened : TransformerCheckpoint.open(path);
        return owningSource(source, options, src -> bind(config, src, options, path.toString()));
    }

    /** Binds strictly into a weight manager this model owns, in the options' compute dtype. */
    private static HunyuanVideoTransformer3D bind(TransformerConfig config, TensorSource source,
            ComponentOptions options, String where) {
        return bind(source, options, options.computeDtype().loader(), where, "transformer-weights",
                w -> new HunyuanVideoTransformer3D(config, w, AttentionBackends.defaultBackend(),
                        options.computeDtype()));
    }

    /** The config the model was built from. */
    public TransformerConfig config() {
        return config;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray forward(DenoiserInput input) {
        return forward(input, IntermediateListener.NONE);
    }

    /**
     * The diffusers forward pass, reporting intermediates under the reference's module names.
     *
     * @param input latents [B, C, F, H, W], timestep [B], text [B, L, text_embed_dim], mask [B, L] (valid tokens
     *     first, then trailing padding), pooled [B, pooled_projection_dim], guidance [B] (x1000)
     * @param listener receives {@code rope_cos}, {@code rope_sin}, {@code time_text_embed*}, {@code x_embedder},
     *     {@code context_embedder*}, {@code transformer_blocks.<i>.(hidden|encoder_hidden)_states},
     *     {@code single_transformer_blocks.<i>.*}, {@code norm_out}, {@code proj_out}
     *     (each as float32, whatever the compute dtype)
     * @return the velocity [B, out_channels, F, H, W] float32, in {@code input.hiddenStates()}' manager
     * @throws IllegalArgumentException for bad input, before any heavy computation
     */
    public NDArray forward(DenoiserInput input, IntermediateListener listener) {
        return forward(input, listener, null);
    }

    /**
     * The forward pass with a step cache around the block stack and the output projection (docs/caching.md): a
     * skipped block is not run, and not onloaded under block offload.
     */
    @Override
    public NDArray forward(DenoiserInput input, CacheContext cache) {
        return forward(input, IntermediateListener.NONE, cache);
    }

    /** {@inheritDoc} */
    @Override
    public boolean supportsStepCache() {
        return true;
    }

    private NDArray forward(DenoiserInput input, IntermediateListener listener, @Nullable CacheContext cache) {
        NDArray x = input.hiddenStates();
        listener = float32Intermediates(listener);
        GroupOnloader off = blockOffloader();
        try (NDManager call = x.getManager().newSubManager();
                GroupOnloader.Scope sharedWeights = GroupOnloader.scope(off, this, SHARED, call)) {
            // checks create small temporaries: lend the inputs to the call scope first so those die with it
            InputChecks.tempAttachDistinct(call, input);
            float[][] hostMask = InputChecks.check(input, config);
            Shape s = x.getShape();
            // the pipeline's `.to(transformer_dtype)` of latents, prompt embeds and pooled embeds; timestep and
            // guidance stay float32 for the sinusoids, whose output is cast like the pooled embeds (as diffusers)
            NDArray latents = F.toCompute(x, computeDtype());
            NDArray text = F.toCompute(input.encoderHiddenStates(), computeDtype());
            NDArray pooled = F.toCompute(input.pooledProjections(), computeDtype());
            // 1. RoPE
            RotaryEmbedding imageRotaryEmb = rope.forward(call, s.get(2), s.get(3), s.get(4));
            listener.onIntermediate("rope_cos", imageRotaryEmb.cos());
            listener.onIntermediate("rope_sin", imageRotaryEmb.sin());

            // 2. Conditional embeddings
            NDArray temb = timeTextEmbed.forward(input.timestep(), pooled, input.guidance(),
                    listener.prefixed("time_text_embed"));
            listener.onIntermediate("time_text_embed", temb);
            TokenReplace tokenReplace = tokenReplace(input.timestep(), pooled, s, listener);
            NDArray hiddenStates = xEmbedder.forward(latents);
            listener.onIntermediate("x_embedder", hiddenStates);
            NDArray maskFloat = input.encoderAttentionMask().toType(DataType.FLOAT32, false);
            NDArray encoderHiddenStates;
            try (GroupOnloader.Scope refiner = GroupOnloader.scope(off, this, "context_embedder", call)) {
                encoderHiddenStates = contextEmbedder.forward(text, input.timestep(),
                        maskFloat, hostMask, listener.prefixed("context_embedder"));
            }
            listener.onIntermediate("context_embedder", encoderHiddenStates);

            // 3. Attention mask preparation: [B, 1, 1, N + L] key mask from the mask's sum. Padded text tokens
            // are masked as keys in every block, so no video token ever sees them: without intermediates to
            // report, the padding all rows share is cut off, and when no padding remains SDPA runs without a
            // mask (the flash kernels on GPUs)
            int textKept = listener == IntermediateListener.NONE ? textTokensToKeep(hostMask) : hostMask[0].length;
            float[][] jointMask = hostMask;
            if (textKept < hostMask[0].length) {
                encoderHiddenStates = encoderHiddenStates.get(new NDIndex(":, :{}", textKept));
                jointMask = trimColumns(hostMask, textKept);
            }
            @Nullable NDArray attentionMask = hasPadding(jointMask) ? jointAttentionMask(call, jointMask,
                    hiddenStates.getShape().get(1)) : null;

            // 4. Transformer blocks
            Blocks stack = new Blocks(call, off, listener, temb, attentionMask, imageRotaryEmb, tokenReplace,
                    cache == null ? name -> ModuleHook.NONE : cache::moduleHook);
            BlockStreams entering = new BlockStreams(hiddenStates, encoderHiddenStates);
            BlockStreams streams = cache == null ? stack.run(0, stack.size(), entering)
                    : cache.blocks(stack, entering);

            // 5. Output projection
            IntermediateListener out = listener;
            Supplier<NDArray> projection = () -> {
                NDArray normed = normOut.forward(streams.hiddenStates(), temb);
                out.onIntermediate("norm_out", normed);
                return projOut.forward(normed);
            };
            NDArray projected = cache == null ? projection.get() : cache.output(projection, call);
            listener.onIntermediate("proj_out", projected);
            return call.ret(F.toFloat32(unpatchify(projected, s)));
        }
    }

    /**
     * diffusers' {@code token_replace_emb} and {@code first_frame_num_tokens} for a token-replace model; null for
     * the others (whose blocks take {@code temb} alone).
     */
    private @Nullable TokenReplace tokenReplace(NDArray timestep, NDArray pooled, Shape latentShape,
            IntermediateListener listener) {
        if (config.imageConditionType() != ImageConditionType.TOKEN_REPLACE) {
            return null;
        }
        NDArray tokenReplaceEmb = timeTextEmbed.tokenReplaceEmb(timestep, pooled);
        listener.onIntermediate("time_text_embed.token_replace_emb", tokenReplaceEmb);
        // first_frame_num_tokens = 1 * post_patch_height * post_patch_width
        long firstFrameNumTokens = (latentShape.get(3) / config.patchSize())
                * (latentShape.get(4) / config.patchSize());
        return new TokenReplace(tokenReplaceEmb, firstFrameNumTokens);
    }

    /**
     * Tokens back to a latent video; {@code proj_out} channels are ordered (C_out, p_t, p, p).
     *
     * @param projected [B, N, C_out * p_t * p * p]
     * @param latentShape the input's [B, C, F, H, W]
     * @return [B, C_out, F, H, W]
     */
    private NDArray unpatchify(NDArray projected, Shape latentShape) {
        long batchSize = latentShape.get(0);
        int p = config.patchSize();
        int pt = config.patchSizeT();
        long postPatchNumFrames = latentShape.get(2) / pt;
        long postPatchHeight = latentShape.get(3) / p;
        long postPatchWidth = latentShape.get(4) / p;
        // [B, N, C*pt*p*p] -> [B, F', H', W', C, pt, p, p] -> [B, C, F', pt, H', p, W', p] -> [B, C, F, H, W]
        return projected
                .reshape(batchSize, postPatchNumFrames, postPatchHeight, postPatchWidth, -1, pt, p, p)
                .transpose(0, 4, 1, 5, 2, 6, 3, 7)
                .reshape(batchSize, config.outChannels(), postPatchNumFrames * pt, postPatchHeight * p,
                        postPatchWidth * p);
    }

    /**
     * The dual-stream then single-stream blocks of one forward pass, indexed as diffusers' cache hooks enumerate
     * them; each block runs in its own scope, onloaded around its run.
     */
    private final class Blocks implements BlockStack {
        private final NDManager call;
        private final @Nullable GroupOnloader off;
        private final IntermediateListener listener;
        private final NDArray temb;
        private final @Nullable NDArray attentionMask;
        private final RotaryEmbedding imageRotaryEmb;
        private final @Nullable TokenReplace tokenReplace;
        private final Function<String, ModuleHook> hooks;
        private final NDArray[] shared;

        Blocks(NDManager call, @Nullable GroupOnloader off, IntermediateListener listener, NDArray temb,
                @Nullable NDArray attentionMask, RotaryEmbedding imageRotaryEmb, @Nullable TokenReplace tokenReplace,
                Function<String, ModuleHook> hooks) {
            this.call = call;
            this.off = off;
            this.listener = listener;
            this.temb = temb;
            this.attentionMask = attentionMask;
            this.imageRotaryEmb = imageRotaryEmb;
            this.tokenReplace = tokenReplace;
            this.hooks = hooks;
            // the arrays every block reads: lent to each block's scope, never closed by it
            java.util.List<NDArray> lent = new java.util.ArrayList<>(
                    java.util.List.of(temb, imageRotaryEmb.cos(), imageRotaryEmb.sin()));
            if (attentionMask != null) {
                lent.add(attentionMask);
            }
            if (tokenReplace != null) {
                lent.add(tokenReplace.tokenReplaceEmb());
            }
            this.shared = lent.toArray(NDArray[]::new);
        }

        @Override
        public int size() {
            return transformerBlocks.size() + singleTransformerBlocks.size();
        }

        @Override
        public BlockStreams run(int from, int to, BlockStreams in) {
            Streams streams = new Streams(in.hiddenStates(), in.encoderHiddenStates());
            int dual = transformerBlocks.size();
            for (int i = from; i < to; i++) {
                String name = i < dual ? "transformer_blocks." + i : "single_transformer_blocks." + (i - dual);
                BlockStep step;
                ModuleHook attnHook = hooks.apply(name + ".attn");
                if (i < dual) {
                    TransformerBlock block = transformerBlocks.get(i);
                    step = (h, e) -> block.forward(h, e, temb, attentionMask, imageRotaryEmb, tokenReplace, attnHook);
                } else {
                    SingleTransformerBlock block = singleTransformerBlocks.get(i - dual);
                    step = (h, e) -> block.forward(h, e, temb, attentionMask, imageRotaryEmb, tokenReplace, attnHook);
                }
                try (GroupOnloader.Scope weights = GroupOnloader.scope(off, HunyuanVideoTransformer3D.this, name,
                        call)) {
                    streams = inScope(streams, shared, listener.prefixed(name), step);
                }
            }
            return new BlockStreams(streams.hiddenStates(), streams.encoderHiddenStates());
        }

        @Override
        public NDArray modulatedInput(NDArray hiddenStates) {
            if (transformerBlocks.isEmpty()) {
                throw new IllegalStateException("TeaCache needs a dual-stream block (num_layers >= 1)");
            }
            try (GroupOnloader.Scope weights = GroupOnloader.scope(off, HunyuanVideoTransformer3D.this,
                    "transformer_blocks.0", call)) {
                return transformerBlocks.get(0).modulatedInput(hiddenStates, temb);
            }
        }

        @Override
        public NDManager manager() {
            return call;
        }

        @Override
        public List<String> hookableModules() {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < transformerBlocks.size(); i++) {
                names.add("transformer_blocks." + i + ".attn");
            }
            for (int i = 0; i < singleTransformerBlocks.size(); i++) {
                names.add("single_transformer_blocks." + i + ".attn");
            }
            return names;
        }
    }

    /** One block step on both streams. */
    @FunctionalInterface
    private interface BlockStep {
        Streams apply(NDArray hiddenStates, NDArray encoderHiddenStates);
    }

    /**
     * Runs one block in its own manager: the previous block's outputs die with it, the shared tensors are lent
     * to it, and only the new outputs survive into {@code call}.
     */
    private static Streams inScope(Streams in, NDArray[] shared, IntermediateListener listener, BlockStep step) {
        NDList out = Scoped.run(() -> {
            Streams o = step.apply(in.hiddenStates(), in.encoderHiddenStates());
            listener.onIntermediate("hidden_states", o.hiddenStates());
            listener.onIntermediate("encoder_hidden_states", o.encoderHiddenStates());
            return new NDList(o.hiddenStates(), o.encoderHiddenStates());
        }, new NDArray[] {in.hiddenStates(), in.encoderHiddenStates()}, shared);
        return new Streams(out.get(0), out.get(1));
    }

    /** Text tokens to keep: the longest valid prefix among the rows (at least one token). */
    static int textTokensToKeep(float[][] hostMask) {
        int keep = 1;
        for (float[] row : hostMask) {
            keep = Math.max(keep, validTokens(row));
        }
        return Math.min(keep, hostMask[0].length);
    }

    /** Whether any row of the (trailing-padded) text mask has a padded token, i.e. a key mask is needed. */
    static boolean hasPadding(float[][] hostMask) {
        for (float[] row : hostMask) {
            if (validTokens(row) < row.length) {
                return true;
            }
        }
        return false;
    }

    private static int validTokens(float[] row) {
        int effective = 0;
        for (float v : row) {
            effective += (int) v;
        }
        return effective;
    }

    private static float[][] trimColumns(float[][] hostMask, int columns) {
        float[][] out = new float[hostMask.length][];
        for (int i = 0; i < hostMask.length; i++) {
            out[i] = java.util.Arrays.copyOf(hostMask[i], columns);
        }
        return out;
    }

    /**
     * diffusers' step 3: all latent tokens valid, then the first {@code sum(mask[b])} text tokens (the mask is
     * assumed, and checked, to have trailing padding).
     *
     * @return BOOLEAN [B, 1, 1, N + L]
     */
    static NDArray jointAttentionMask(NDManager manager, float[][] hostMask, long latentSequenceLength) {
        int b = hostMask.length;
        int l = hostMask[0].length;
        int n = (int) latentSequenceLength;
        boolean[] m = new boolean[b * (n + l)];
        for (int i = 0; i < b; i++) {
            int effective = 0;
            for (float v : hostMask[i]) {
                effective += (int) v;
            }
            for (int j = 0; j < n + l; j++) {
                m[i * (n + l) + j] = j < n + effective;
            }
        }
        return HostArrays.booleans(manager, m, new Shape(b, 1, 1, n + l));
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

    /** {@inheritDoc} */
    @Override
    public int patchSizeT() {
        return config.patchSizeT();
    }

    /** {@inheritDoc} */
    @Override
    public ImageConditionType imageConditionType() {
        return config.imageConditionType();
    }

    /** {@inheritDoc} */
    @Override
    public boolean guidanceEmbeds() {
        return config.guidanceEmbeds();
    }

    /**
     * Builds the DiT from tensors the caller owns and closes after this model (a golden fixture's weights, or
     * generated in-memory ones), bound strictly by name and shape into a weight manager this model owns. With
     * {@link LoadMode#LAZY} nothing is read until a forward pass (or the offloader) asks for a block, so the
     * offloader can release and reload blocks from {@code weights}.
     *
     * @param where names the weights in messages, e.g. {@code tiny/transformer}
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException if names or shapes differ from the config's
     */
    public static HunyuanVideoTransformer3D fromWeights(TransformerConfig config, TensorSource weights,
            ComponentOptions options, String where) {
        return bind(config, weights, options, where);
    }

    /** For messages. */
    @Override
    public String toString() {
        return "HunyuanVideoTransformer3D" + config;
    }
}
