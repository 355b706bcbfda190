package io.hunyuan4j.cogvideox.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.transformer.IntermediateListener;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.core.transformer.Streams;
import io.hunyuan4j.core.transformer.TimestepEmbedding;
import io.hunyuan4j.core.transformer.Timesteps;
import io.hunyuan4j.core.transformer.TransformerModel;
import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorLoader;
import io.hunyuan4j.core.weights.TensorSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code CogVideoXTransformer3DModel}, the CogVideoX denoiser (2B, 5B, 5B-I2V, 1.5): text and video
 * tokens in one sequence {@code [text ; video]} through {@code num_layers} {@link CogVideoXBlock}s, with
 * positions from a 3D sin-cos table (2B), 3D RoPE computed by the pipeline (5B, 1.5) or RoPE plus a learned
 * table (5B-I2V), and the timestep (plus, for 1.5 I2V, the {@code ofs}) as AdaLN conditioning.
 *
 * <p>Weights are bound by their diffusers names from a {@link StateDict}; each block runs in its own
 * {@link NDManager} scope. The CogVideoX forward is {@link #forward(CogVideoXTransformerInput, IntermediateListener)};
 * {@link #forward(DenoiserInput)} adapts the generic denoiser call (latents [B, C, F, H, W]; RoPE and ofs derived
 * as the pipelines derive them).
 *
 * <pre>{@code
 * try (CogVideoXTransformer3DModel dit = CogVideoXTransformer3DModel.load(dir.resolve("transformer"),
 *         ComponentOptions.defaults())) {
 *     RotaryEmbedding rope = CogVideoXRotaryPosEmbed.forLatents(m, dit.config(), frames, h, w);
 *     NDArray v = dit.forward(new CogVideoXTransformerInput(latents, promptEmbeds, t, null, rope),
 *             IntermediateListener.NONE);
 * }
 * }</pre>
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/cogvideox_transformer_3d.py">diffusers CogVideoXTransformer3DModel</a>
 */
public final class CogVideoXTransformer3DModel extends TransformerModel {

    /** The ofs value CogVideoX 1.5 image-to-video passes: {@code latents.new_full((1,), fill_value=2.0)}. */
    public static final float PIPELINE_OFS = 2.0f;

    private static final Pattern BLOCK = Pattern.compile("^(transformer_blocks\\.\\d+)\\.");

    private final CogVideoXTransformerConfig config;
    private final CogVideoXPatchEmbed patchEmbed;
    private final Timesteps timeProj;
    private final TimestepEmbedding timeEmbedding;
    private final @Nullable Timesteps ofsProj;
    private final @Nullable TimestepEmbedding ofsEmbedding;
    private final List<CogVideoXBlock> transformerBlocks;
    private final LayerNorm normFinal;
    private final AdaLayerNorm normOut;
    private final Linear projOut;

    /**
     * Builds the module tree and binds every weight of {@code w} strictly.
     *
     * @param w the checkpoint view at the transformer's root (names like {@code patch_embed.proj.weight})
     * @param backend the attention implementation
     * @param computeDtype the precision; for {@link ComputeDtype#BF16} {@code w} is loaded with
     *     {@link #weightLoader}
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException listing every missing, unexpected and
     *     mis-shaped tensor
     */
    public CogVideoXTransformer3DModel(CogVideoXTransformerConfig config, StateDict w, AttentionBackend backend,
            ComputeDtype computeDtype) {
        this(config, w, backend, computeDtype, true);
    }

    private CogVideoXTransformer3DModel(CogVideoXTransformerConfig config, StateDict w, AttentionBackend backend,
            ComputeDtype computeDtype, boolean strict) {
        super(w, computeDtype);
        this.config = config;
        int innerDim = config.innerDim();
        // 1. Patch embedding
        this.patchEmbed = new CogVideoXPatchEmbed(w.child("patch_embed"), config);
        // 2. Time embeddings and ofs embedding (only CogVideoX 1.5 I2V)
        this.timeProj = new Timesteps(innerDim, config.flipSinToCos(), config.freqShift());
        this.timeEmbedding = new TimestepEmbedding(w.child("time_embedding"), innerDim, config.timeEmbedDim());
        Integer ofsDim = config.ofsEmbedDim();
        this.ofsProj = ofsDim == null ? null : new Timesteps(ofsDim, config.flipSinToCos(), config.freqShift());
        this.ofsEmbedding = ofsDim == null ? null : new TimestepEmbedding(w.child("ofs_embedding"), ofsDim, ofsDim);
        // 3. Define spatio-temporal transformers blocks
        List<CogVideoXBlock> blocks = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            blocks.add(new CogVideoXBlock(w.child("transformer_blocks", i), config, backend, computeDtype));
        }
        this.transformerBlocks = List.copyOf(blocks);
        this.normFinal = config.normElementwiseAffine()
                ? LayerNorm.affine(w.child("norm_final"), innerDim, config.normEps())
                : LayerNorm.noAffine(config.normEps());
        // 4. Output blocks
        this.normOut = new AdaLayerNorm(w.child("norm_out"), config.timeEmbedDim(), 2 * innerDim,
                config.normElementwiseAffine(), config.normEps());
        this.projOut = new Linear(w.child("proj_out"), innerDim, config.projOutChannels());
        bound(w, strict, BLOCK, blockOrder("transformer_blocks", config.numLayers()));
    }

    /**
     * The weight loader of the mixed-precision policy. Under {@link ComputeDtype#BF16} the transformer blocks'
     * weights (projections, feed-forward, modulation: over 99% of the parameters) load as bf16 and the rest (patch,
     * time and ofs embeddings, {@code norm_final}, {@code norm_out}, {@code proj_out}) as float32: those layers act
     * on every token once (or on the timestep only) and {@code proj_out} writes the prediction itself, whose bf16
     * rounding CFG then amplifies (measured on the golden pipelines: a bf16 {@code proj_out} alone takes t2v_2b's
     * video from 2e-2 to 8.5e-2).
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
    public static Map<String, Shape> expectedShapes(CogVideoXTransformerConfig config) {
        StateDict w = StateDict.shapeOnly(Map.of(), "expected");
        return new CogVideoXTransformer3DModel(config, w, new ChunkedAttention(), ComputeDtype.FLOAT32, false)
                .parameterShapes();
    }

    /**
     * Loads a diffusers {@code transformer/} folder ({@code config.json} and its safetensors, single or sharded),
     * bound strictly, into a weight manager this model owns.
     *
     * @throws io.hunyuan4j.core.config.ConfigException for a missing, invalid or out-of-bounds config, before any
     *     weight is read
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException if names or shapes differ from the config's
     */
    public static CogVideoXTransformer3DModel load(Path dir, ComponentOptions options) {
        CogVideoXTransformerConfig config = CogVideoXTransformerConfig.fromJson(
                JsonConfig.read(dir.resolve("config.json")));
        return owningSource(Checkpoints.open(dir), options, source -> bind(config, source, options, dir.toString()));
    }

    /**
     * Builds the model from tensors the caller owns and closes after this model (a golden fixture's weights),
     * bound strictly into a weight manager this model owns.
     *
     * @param where names the weights in messages
     */
    public static CogVideoXTransformer3DModel fromWeights(CogVideoXTransformerConfig config, TensorSource weights,
            ComponentOptions options, String where) {
        return bind(config, weights, options, where);
    }

    private static CogVideoXTransformer3DModel bind(CogVideoXTransformerConfig config, TensorSource source,
            ComponentOptions options, String where) {
        return bind(source, options, weightLoader(options.computeDtype()), where, "cogvideox-transformer-weights",
                w -> new CogVideoXTransformer3DModel(config, w, AttentionBackends.defaultBackend(),
                        options.computeDtype()));
    }

    /** The config the model was built from. */
    public CogVideoXTransformerConfig config() {
        return config;
    }

    /**
     * The generic denoiser call: latents [B, C, F, H, W] (the {@link DenoiserInput} layout) are moved to
     * CogVideoX's [B, F, C, H, W]; the RoPE table is computed from the latent size as the pipelines do
     * ({@link CogVideoXRotaryPosEmbed}), the ofs is {@link #PIPELINE_OFS}. The attention mask, pooled embeddings
     * and guidance are not used (CogVideoX has none).
     *
     * @return [B, out_channels, F, H, W] float32
     */
    @Override
    public NDArray forward(DenoiserInput input) {
        NDArray x = input.hiddenStates();
        try (NDManager call = x.getManager().newSubManager()) {
            Shape s = x.getShape();
            if (s.dimension() != 5) {
                throw new IllegalArgumentException("hidden_states must be [B, C, F, H, W] but has shape " + s);
            }
            NDArray frames = x.transpose(0, 2, 1, 3, 4);
            frames.attach(call);
            RotaryEmbedding rope = config.useRotaryPositionalEmbeddings()
                    ? CogVideoXRotaryPosEmbed.forLatents(call, config, (int) s.get(2), (int) s.get(3),
                            (int) s.get(4))
                    : null;
            NDArray ofs = config.ofsEmbedDim() == null ? null : HostArrays.floats(call, PIPELINE_OFS);
            NDArray out = forward(new CogVideoXTransformerInput(frames, input.encoderHiddenStates(),
                    input.timestep(), ofs, rope), IntermediateListener.NONE);
            NDArray result = out.transpose(0, 2, 1, 3, 4);
            return x.getManager().ret(result);
        }
    }

    /**
     * The diffusers forward pass, reporting intermediates under the reference's module names.
     *
     * @param listener receives {@code time_proj}, {@code time_embedding}, {@code ofs_proj}, {@code ofs_embedding},
     *     {@code pos_embedding}, {@code patch_embed}, {@code transformer_blocks.<i>.(norm1|attn1).*},
     *     {@code transformer_blocks.<i>.(hidden|encoder_hidden)_states}, {@code norm_final}, {@code norm_out},
     *     {@code proj_out} (float32 under every compute dtype)
     * @return the prediction [B, F, out_channels, H, W] float32, in {@code input.hiddenStates()}' manager
     * @throws IllegalArgumentException for bad input, before any heavy computation
     */
    public NDArray forward(CogVideoXTransformerInput input, IntermediateListener listener) {
        NDArray x = input.hiddenStates();
        check(input);
        IntermediateListener hooks = float32Intermediates(listener);
        GroupOnloader off = blockOffloader();
        Shape s = x.getShape();
        try (NDManager call = x.getManager().newSubManager();
                GroupOnloader.Scope sharedWeights = GroupOnloader.scope(off, this, SHARED, call)) {
            lendDistinct(call, input);
            // mixed precision (see weightLoader): the embeddings, the residual streams and the output layers float32
            NDArray hidden = F.toFloat32(x);
            NDArray text = F.toFloat32(input.encoderHiddenStates());

            // 1. Time embedding: the sinusoids and the MLP float32
            NDArray tEmb = timeProj.forward(input.timestep());
            hooks.onIntermediate("time_proj", tEmb);
            NDArray emb = timeEmbedding.forward(tEmb);
            hooks.onIntermediate("time_embedding", emb);
            Timesteps op = ofsProj;
            TimestepEmbedding oe = ofsEmbedding;
            NDArray ofs = input.ofs();
            if (op != null && oe != null && ofs != null) {
                NDArray ofsEmb = op.forward(ofs);
                hooks.onIntermediate("ofs_proj", ofsEmb);
                ofsEmb = oe.forward(ofsEmb);
                hooks.onIntermediate("ofs_embedding", ofsEmb);
                emb = emb.add(ofsEmb);
            }
            NDArray temb = emb;

            // 2. Patch embedding
            NDArray embeds = patchEmbed.forward(text, hidden, hooks == IntermediateListener.NONE
                    ? CogVideoXPatchEmbed.PositionListener.NONE : pos -> hooks.onIntermediate("pos_embedding", pos));
            hooks.onIntermediate("patch_embed", embeds);
            long textSeqLength = text.getShape().get(1);
            Streams streams = new Streams(embeds.get(":, {}:", textSeqLength), embeds.get(":, :{}", textSeqLength));

            // 3. Transformer blocks
            RotaryEmbedding rope = input.imageRotaryEmb();
            for (int i = 0; i < transformerBlocks.size(); i++) {
                CogVideoXBlock block = transformerBlocks.get(i);
                String name = "transformer_blocks." + i;
                try (GroupOnloader.Scope weights = GroupOnloader.scope(off, this, name, call);
                        NDManager scope = call.newSubManager()) {
                    scope.attachAll(streams.hiddenStates(), streams.encoderHiddenStates());
                    scope.tempAttachAll(temb);
                    IntermediateListener blockHooks = hooks.prefixed(name);
                    Streams out = block.forward(streams.hiddenStates(), streams.encoderHiddenStates(), temb, rope,
                            blockHooks);
                    blockHooks.onIntermediate("hidden_states", out.hiddenStates());
                    blockHooks.onIntermediate("encoder_hidden_states", out.encoderHiddenStates());
                    out.hiddenStates().attach(call);
                    out.encoderHiddenStates().attach(call);
                    streams = out;
                }
            }
            NDArray h = normFinal.forward(streams.hiddenStates());
            hooks.onIntermediate("norm_final", h);

            // 4. Final block
            h = normOut.forward(h, temb);
            hooks.onIntermediate("norm_out", h);
            h = projOut.forward(h);
            hooks.onIntermediate("proj_out", h);

            // 5. Unpatchify
            return call.ret(F.toFloat32(unpatchify(h, s)));
        }
    }

    /**
     * Tokens back to latents; {@code proj_out} channels are ordered (C_out, [p_t,] p, p).
     *
     * @param h [B, N, C_out * p_t * p * p]
     * @param s the input's [B, F, C, H, W]
     * @return [B, F, C_out, H, W]
     */
    private NDArray unpatchify(NDArray h, Shape s) {
        long b = s.get(0);
        long frames = s.get(1);
        long height = s.get(3);
        long width = s.get(4);
        int p = config.patchSize();
        if (config.patchSizeT() == null) {
            // [B, F, H/p, W/p, C, p, p] -> [B, F, C, H/p, p, W/p, p] -> [B, F, C, H, W]
            return h.reshape(b, frames, height / p, width / p, -1, p, p)
                    .transpose(0, 1, 4, 2, 5, 3, 6)
                    .reshape(b, frames, config.outChannels(), height, width);
        }
        int pt = config.patchSizeT();
        // [B, F/pt, H/p, W/p, C, pt, p, p] -> [B, F/pt, pt, C, H/p, p, W/p, p] -> [B, F, C, H, W]
        return h.reshape(b, frames / pt, height / p, width / p, -1, pt, p, p)
                .transpose(0, 1, 5, 4, 2, 6, 3, 7)
                .reshape(b, frames, config.outChannels(), height, width);
    }

    /**
     * Lends the inputs to the call scope, so temporaries made from them die with it (each array once: DJL
     * cannot lend an array twice).
     */
    private static void lendDistinct(NDManager call, CogVideoXTransformerInput in) {
        java.util.Set<NDArray> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<NDArray> all = new ArrayList<>(List.of(in.hiddenStates(), in.encoderHiddenStates(), in.timestep()));
        NDArray ofs = in.ofs();
        if (ofs != null) {
            all.add(ofs);
        }
        RotaryEmbedding rope = in.imageRotaryEmb();
        if (rope != null) {
            all.add(rope.cos());
            all.add(rope.sin());
        }
        for (NDArray a : all) {
            if (seen.add(a)) {
                call.tempAttachAll(a);
            }
        }
    }

    /** Input validation, naming the expected values, before any computation. */
    private void check(CogVideoXTransformerInput in) {
        Shape s = in.hiddenStates().getShape();
        if (s.dimension() != 5) {
            throw new IllegalArgumentException("hidden_states must be [B, F, C, H, W] but has shape " + s);
        }
        long b = s.get(0);
        int p = config.patchSize();
        if (s.get(2) != config.inChannels()) {
            throw new IllegalArgumentException("hidden_states has " + s.get(2) + " channels (axis 2 of [B, F, C, H,"
                    + " W]) but the model expects in_channels " + config.inChannels());
        }
        if (s.get(3) % p != 0 || s.get(4) % p != 0) {
            throw new IllegalArgumentException("latent height and width " + s.get(3) + "x" + s.get(4)
                    + " must be multiples of patch_size " + p);
        }
        if (s.get(1) % config.temporalPatch() != 0) {
            throw new IllegalArgumentException("latent frames " + s.get(1) + " must be a multiple of patch_size_t "
                    + config.temporalPatch() + " (the pipeline pads them)");
        }
        Shape e = in.encoderHiddenStates().getShape();
        if (e.dimension() != 3 || e.get(0) != b || e.get(2) != config.textEmbedDim()) {
            throw new IllegalArgumentException("encoder_hidden_states must be [" + b + ", L, "
                    + config.textEmbedDim() + "] but has shape " + e);
        }
        Shape t = in.timestep().getShape();
        if (t.dimension() != 1 || t.get(0) != b) {
            throw new IllegalArgumentException("timestep must be [" + b + "] but has shape " + t);
        }
        long tokens = s.get(1) / config.temporalPatch() * (s.get(3) / p) * (s.get(4) / p);
        if (config.usesAbsolutePositions() && e.get(1) != config.maxTextSeqLength()) {
            throw new IllegalArgumentException("with absolute positional embeddings the text length must equal"
                    + " max_text_seq_length " + config.maxTextSeqLength() + " but is " + e.get(1));
        }
        if (config.useLearnedPositionalEmbeddings()
                && (s.get(3) != config.sampleHeight() || s.get(4) != config.sampleWidth())) {
            throw new IllegalArgumentException("learned positional embeddings fix the latent size to "
                    + config.sampleHeight() + "x" + config.sampleWidth() + " but it is " + s.get(3) + "x"
                    + s.get(4));
        }
        boolean hasOfs = config.ofsEmbedDim() != null;
        NDArray ofs = in.ofs();
        if (hasOfs != (ofs != null)) {
            throw new IllegalArgumentException(hasOfs ? "ofs is required (ofs_embed_dim " + config.ofsEmbedDim()
                    + "; the pipeline passes [" + PIPELINE_OFS + "])" : "ofs given but the model has no ofs embedding");
        }
        if (ofs != null && (ofs.getShape().dimension() != 1 || (ofs.getShape().get(0) != 1
                && ofs.getShape().get(0) != b))) {
            throw new IllegalArgumentException("ofs must be [1] or [" + b + "] but has shape " + ofs.getShape());
        }
        RotaryEmbedding rope = in.imageRotaryEmb();
        if (config.useRotaryPositionalEmbeddings() != (rope != null)) {
            throw new IllegalArgumentException(rope == null
                    ? "image_rotary_emb is required (use_rotary_positional_embeddings): see CogVideoXRotaryPosEmbed"
                    : "image_rotary_emb given but the model does not use RoPE");
        }
        if (rope != null) {
            Shape want = new Shape(tokens, config.attentionHeadDim());
            if (!rope.cos().getShape().equals(want) || !rope.sin().getShape().equals(want)) {
                throw new IllegalArgumentException("image_rotary_emb cos/sin must be " + want + " but are "
                        + rope.cos().getShape() + " / " + rope.sin().getShape());
            }
        }
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
        return config.temporalPatch();
    }

    /** CogVideoX has no guidance embedding: {@code false}. */
    @Override
    public boolean guidanceEmbeds() {
        return false;
    }

    /** For messages. */
    @Override
    public String toString() {
        return "CogVideoXTransformer3DModel" + config;
    }
}
