package io.hunyuan4j.vae;

import io.hunyuan4j.core.nn.DiagonalGaussianDistribution;
import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.AbstractAutoencoder;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.api.LatentEncoder;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorSource;
import java.nio.file.Path;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * HunyuanVideo's causal video VAE: video [B, 3, T, H, W] to a diagonal Gaussian over latents
 * [B, L, (T-1)/4+1, H/8, W/8] and back, with the reference's frame-wise and spatial tiling. Weights are bound
 * strictly by their diffusers names ({@code encoder.*}, {@code decoder.*}, {@code quant_conv.*},
 * {@code post_quant_conv.*}) from a diffusers {@code vae/} folder.
 *
 * <pre>{@code
 * try (var vae = AutoencoderKLHunyuanVideo.load(Path.of("HunyuanVideo/vae"), ComponentOptions.defaults())) {
 *     NDArray video = vae.decode(latents.div(vae.scalingFactor()));            // frame-wise tiling by default
 *     NDArray big = vae.decode(latents, VaeTiling.enableTiling());              // + 256 px spatial tiles
 * }
 * }</pre>
 *
 * <p>Tiling is chosen per call with an immutable {@link VaeTiling} instead of diffusers' mutable
 * {@code enable_tiling()} flags; {@link #decode(NDArray)} uses the tiling given at load (diffusers' defaults
 * unless told otherwise). Which tiling runs and how tiles are cut, blended and kept is {@link Tiler}'s, for encode
 * and decode alike. Every stage runs in its own memory scope; a tile's activations are freed before the next tile
 * starts, and a blended tile as soon as no later tile blends against it.
 *
 * <p><b>Offload.</b> As an {@link Offloadable} (component {@code vae}) the weights form the groups
 * {@link #SHARED} ({@code post_quant_conv}, {@code decoder.conv_in}, {@code decoder.conv_norm_out},
 * {@code decoder.conv_out}), {@code decoder.mid_block}, each {@code decoder.up_blocks.<i>}, and {@code encoder}
 * ({@code encoder.*}, {@code quant_conv.*}), which decoding never enters. With {@link #blockOffload} installed
 * (weights bound LAZY), a decode onloads the shared group once and every decoder stage around its use, for
 * every tile and frame chunk (docs/offload.md).
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L609">diffusers AutoencoderKLHunyuanVideo</a>
 */
public final class AutoencoderKLHunyuanVideo extends AbstractAutoencoder implements LatentEncoder {

    private final VaeConfig config;
    private final Encoder3D encoder;
    private final Decoder3D decoder;
    private final Parameter quantConvWeight;
    private final Parameter quantConvBias;
    private final Parameter postQuantConvWeight;
    private final Parameter postQuantConvBias;
    private final VaeTiling tiling;

    /**
     * Binds every module and checks the whole checkpoint.
     *
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException listing missing, unexpected and mis-shaped
     *     tensors
     */
    AutoencoderKLHunyuanVideo(VaeConfig config, StateDict w, VaeTiling tiling, AttentionBackend backend,
            ComputeDtype computeDtype, LoadMode loadMode, @Nullable NDManager weightManager,
            @Nullable TensorSource ownedSource) {
        super(computeDtype, loadMode, weightManager, ownedSource);
        tiling.requireLatentTiles(config.spatialCompressionRatio(), config.temporalCompressionRatio());
        this.config = config;
        this.encoder = new Encoder3D(w.child("encoder"), config, backend);
        this.decoder = new Decoder3D(w.child("decoder"), config, backend);
        int l = config.latentChannels();
        this.quantConvWeight = w.take("quant_conv.weight", 2 * l, 2 * l, 1, 1, 1);
        this.quantConvBias = w.take("quant_conv.bias", 2 * l);
        this.postQuantConvWeight = w.take("post_quant_conv.weight", l, l, 1, 1, 1);
        this.postQuantConvBias = w.take("post_quant_conv.bias", l);
        this.tiling = tiling;
        bindingDone(w, config.blockOutChannels().size());
    }

    /**
     * Loads a diffusers {@code vae/} folder with diffusers' default tiling (frame-wise only).
     *
     * @throws io.hunyuan4j.core.HunyuanException for a bad folder: the cases of
     *     {@link #load(Path, ComponentOptions, VaeTiling)}
     */
    public static AutoencoderKLHunyuanVideo load(Path vaeDir, ComponentOptions options) {
        return load(vaeDir, options, VaeTiling.defaults());
    }

    /**
     * Loads a diffusers {@code vae/} folder: {@code config.json} plus {@code diffusion_pytorch_model.safetensors}
     * or a sharded checkpoint with its {@code .index.json}.
     *
     * @param tiling what {@link #decode(NDArray)} (the pipeline's decode) uses
     * @throws io.hunyuan4j.core.config.ConfigException for a missing, invalid or out-of-bounds config (file and
     *     key named), before any weight is read
     * @throws io.hunyuan4j.core.weights.SafetensorsException for a malformed weight file or one that is not a
     *     regular file
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException if the names or shapes differ from the config's
     * @throws IllegalArgumentException if the folder holds no weights or several candidates
     * @throws UnsupportedOperationException for {@link ComputeDtype#BF16} without the ops layer's kernel library
     * @throws java.io.UncheckedIOException if a file cannot be read
     */
    public static AutoencoderKLHunyuanVideo load(Path vaeDir, ComponentOptions options, VaeTiling tiling) {
        VaeConfig config = VaeConfig.fromJson(JsonConfig.read(vaeDir.resolve("config.json")));
        return load(vaeDir, config, options, tiling);
    }

    /**
     * Loads VAE weights from a file, index or folder for {@code config}: diffusers' names, or Tencent's original
     * checkpoint converted to safetensors (the same names, possibly under a {@code vae.} prefix:
     * {@link VaeCheckpoint}).
     *
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException if the names or shapes differ from the config's
     * @throws IllegalArgumentException if the path holds no weights
     */
    public static AutoencoderKLHunyuanVideo load(Path weights, VaeConfig config, ComponentOptions options,
            VaeTiling tiling) {
        return owning(VaeCheckpoint.open(weights), source -> create(config, source, options, tiling, source));
    }

    /**
     * Loads a single VAE file without {@code config.json} (e.g. a safetensors conversion of Tencent's
     * {@code hunyuan-video-t2v-720p/vae/pytorch_model.pt}) with the released model's config
     * ({@link VaeConfig#defaults()}) and diffusers' default tiling.
     */
    public static AutoencoderKLHunyuanVideo fromSingleFile(Path file, ComponentOptions options) {
        return load(file, VaeConfig.defaults(), options, VaeTiling.defaults());
    }

    /**
     * Builds from tensors the caller owns (and closes after this VAE), e.g. a golden fixture's weights or
     * generated ones.
     */
    public static AutoencoderKLHunyuanVideo fromWeights(VaeConfig config, TensorSource weights,
            ComponentOptions options, VaeTiling tiling) {
        return create(config, weights, options, tiling, null);
    }

    private static AutoencoderKLHunyuanVideo create(VaeConfig config, TensorSource source, ComponentOptions options,
            VaeTiling tiling, @Nullable TensorSource owned) {
        // float32 under every compute dtype (AbstractAutoencoder.bind): rounding only the decoder's weights to
        // bf16 gives 5.3e-2 on batch3's forward.sample, an autocast-style bf16 decoder 7.4e-2 to 0.37 (docs/vae.md)
        return bind(source, options, "vae-weights", (w, weights) -> new AutoencoderKLHunyuanVideo(config, w, tiling,
                new ChunkedAttention(), options.computeDtype(), options.loadMode(), weights, owned));
    }

    /**
     * The state-dict names and shapes a config implies, in binding order (for manifests, generated weights and
     * memory planning).
     */
    public static Map<String, Shape> parameterShapes(VaeConfig config) {
        StateDict probe = StateDict.shapeOnly(Map.of(), "vae/ (probe)");
        new Encoder3D(probe.child("encoder"), config, new ChunkedAttention());
        new Decoder3D(probe.child("decoder"), config, new ChunkedAttention());
        int l = config.latentChannels();
        probe.take("quant_conv.weight", 2 * l, 2 * l, 1, 1, 1);
        probe.take("quant_conv.bias", 2 * l);
        probe.take("post_quant_conv.weight", l, l, 1, 1, 1);
        probe.take("post_quant_conv.bias", l);
        return boundShapes(probe);
    }

    /** The config it was built from. */
    public VaeConfig config() {
        return config;
    }

    /** The tiling {@link #decode(NDArray)} and {@link #encode(NDArray)} use. */
    public VaeTiling tiling() {
        return tiling;
    }

    // ------------------------------------------------------------------------------------------------ encode

    /** {@inheritDoc} With the tiling given at load. */
    @Override
    public NDArray encodeMode(NDArray video) {
        return encode(video).mode();
    }

    /** {@inheritDoc} With the tiling given at load. */
    @Override
    public NDArray encodeSample(NDArray video, NDArray noise) {
        return encode(video).sample(noise);
    }

    /** Encodes with the tiling given at load. */
    public DiagonalGaussianDistribution encode(NDArray video) {
        return encode(video, tiling);
    }

    /**
     * Encodes a video into the latent posterior.
     *
     * @param video [B, in_channels, 4k+1, 8m, 8n] in [-1, 1], float32
     * @param tiling frame-wise and/or spatial tiling for this call
     * @return the posterior over [B, L, k+1, m, n] (shorter when a tiling's stride is not a multiple of the
     *     compression: the reference keeps {@code stride / 8} latent rows per tile), in the video's manager
     * @throws IllegalArgumentException for a bad shape, before any computation
     */
    public DiagonalGaussianDistribution encode(NDArray video, VaeTiling tiling) {
        requireVideo(video);
        tiling.requireLatentTiles(config.spatialCompressionRatio(), config.temporalCompressionRatio());
        try (GroupOnloader.Scope weights =
                GroupOnloader.scope(blockOffloader(), this, ENCODER_GROUP, video.getManager())) {
            return new DiagonalGaussianDistribution(Scoped.apply(video, x -> encodeMoments(x, tiling)));
        }
    }

    /** diffusers {@code _encode}: the moments [B, 2 L, T', H', W'], tiled as {@link Tiler} does. */
    private NDArray encodeMoments(NDArray x, VaeTiling t) {
        return tiler(t).encode(x, this::encodePlain);
    }

    private Tiler tiler(VaeTiling t) {
        return new Tiler(t, config.spatialCompressionRatio(), config.temporalCompressionRatio());
    }

    /** One tile through the encoder and {@code quant_conv}: float32 under every compute dtype (see {@link #loader}). */
    private NDArray encodePlain(NDArray x) {
        NDArray h = Scoped.apply(x, encoder::forward);
        return Scoped.consume(h, y -> F.conv3d(y, quantConvWeight.array(), quantConvBias.array(), new Shape(1, 1, 1),
                new Shape(0, 0, 0)));
    }

    // ------------------------------------------------------------------------------------------------ decode

    /** {@inheritDoc} Uses the tiling given at load. */
    @Override
    public NDArray decode(NDArray latents) {
        return decode(latents, tiling);
    }

    /**
     * Decodes latents (NOT divided by the scaling factor here: the pipeline does that, as in diffusers).
     *
     * @param latents [B, latent_channels, T', H', W'], float32
     * @param tiling frame-wise and/or spatial tiling for this call
     * @return video [B, out_channels, (T'-1)*4+1, 8 H', 8 W'], in the latents' manager
     * @throws IllegalArgumentException for a bad shape, before any computation
     */
    public NDArray decode(NDArray latents, VaeTiling tiling) {
        requireLatents(latents);
        tiling.requireLatentTiles(config.spatialCompressionRatio(), config.temporalCompressionRatio());
        GroupOnloader off = blockOffloader();
        try (GroupOnloader.Scope shared = GroupOnloader.scope(off, this, SHARED, latents.getManager())) {
            return Scoped.apply(latents, z -> decodeDispatch(z, tiling, off));
        }
    }

    /** diffusers {@code _decode}: frame-wise first, then spatial tiling, else the whole latent ({@link Tiler}). */
    private NDArray decodeDispatch(NDArray z, VaeTiling t, @Nullable GroupOnloader off) {
        return tiler(t).decode(z, tile -> decodePlain(tile, off));
    }

    /**
     * One tile through {@code post_quant_conv} and the decoder. Activations are float32 under every compute
     * dtype; with bf16 weights ({@link #loader}) each convolution and projection rounds its input to bf16 and
     * computes in bf16 ({@link F#conv3d}, {@link F#linear}), and norms and residual sums stay float32.
     *
     * @param off when set, each decoder stage is onloaded around its use (the shared group is already placed)
     */
    private NDArray decodePlain(NDArray z, @Nullable GroupOnloader off) {
        NDArray h = Scoped.apply(z, x -> F.conv3d(x, postQuantConvWeight.array(), postQuantConvBias.array(),
                new Shape(1, 1, 1), new Shape(0, 0, 0)));
        return Scoped.consume(h, x -> decoder.forward(x,
                (stage, parent) -> GroupOnloader.scope(off, this, "decoder." + stage, parent)));
    }

    // ------------------------------------------------------------------------------------------------ forward

    /**
     * diffusers {@code forward(sample, sample_posterior=False)}: decode the posterior's mode.
     *
     * @param sample video [B, in_channels, 4k+1, 8m, 8n]
     * @return the reconstruction, in the sample's manager
     */
    public NDArray forward(NDArray sample, VaeTiling tiling) {
        return Scoped.apply(sample, x -> decode(encode(x, tiling).mode(), tiling));
    }

    /**
     * diffusers {@code forward(sample, sample_posterior=True, generator=...)}: decode a latent drawn from the
     * posterior with a host-side generator.
     */
    public NDArray forward(NDArray sample, VaeTiling tiling, RandomGenerator generator) {
        return Scoped.apply(sample, x -> decode(encode(x, tiling).sample(generator), tiling));
    }

    // ------------------------------------------------------------------------------------------------ checks

    private void requireVideo(NDArray video) {
        Shape s = video.getShape();
        if (s.dimension() != 5) {
            throw new IllegalArgumentException("video: rank " + s.dimension() + " (shape " + s
                    + ") must be 5: [batch, channels, frames, height, width]");
        }
        if (s.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("video: channel count " + s.get(1) + " (shape " + s
                    + ") must equal in_channels " + config.inChannels());
        }
        int tr = config.temporalCompressionRatio();
        if (s.get(2) < 1 || (s.get(2) - 1) % tr != 0) {
            throw new IllegalArgumentException("video: frame count " + s.get(2) + " (shape " + s + ") must be "
                    + tr + "k+1 (temporal_compression_ratio " + tr + ")");
        }
        int r = config.spatialCompressionRatio();
        if (s.get(3) < 1 || s.get(3) % r != 0 || s.get(4) < 1 || s.get(4) % r != 0) {
            throw new IllegalArgumentException("video: height " + s.get(3) + " and width " + s.get(4) + " (shape "
                    + s + ") must be positive multiples of spatial_compression_ratio " + r);
        }
    }

    private void requireLatents(NDArray latents) {
        Shape s = latents.getShape();
        if (s.dimension() != 5) {
            throw new IllegalArgumentException("latents: rank " + s.dimension() + " (shape " + s
                    + ") must be 5: [batch, latent_channels, frames, height, width]");
        }
        if (s.get(1) != config.latentChannels()) {
            throw new IllegalArgumentException("latents: channel count " + s.get(1) + " (shape " + s
                    + ") must equal latent_channels " + config.latentChannels());
        }
        if (s.get(0) < 1 || s.get(2) < 1 || s.get(3) < 1 || s.get(4) < 1) {
            throw new IllegalArgumentException("latents: shape " + s + " must have every axis >= 1");
        }
    }

    // ------------------------------------------------------------------------------------------------ SPI

    /** {@inheritDoc} */
    @Override
    public float scalingFactor() {
        return config.scalingFactor();
    }

    /** {@inheritDoc} */
    @Override
    public int latentChannels() {
        return config.latentChannels();
    }

    /** {@inheritDoc} */
    @Override
    public int temporalCompression() {
        return config.temporalCompressionRatio();
    }

    /** {@inheritDoc} */
    @Override
    public int spatialCompression() {
        return config.spatialCompressionRatio();
    }
}
