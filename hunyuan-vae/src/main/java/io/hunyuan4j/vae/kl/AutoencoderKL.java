package io.hunyuan4j.vae.kl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.AbstractAutoencoder;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.nn.Conv2d;
import io.hunyuan4j.core.nn.DiagonalGaussianDistribution;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.nn.Tiles;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorSource;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The SD/SDXL 2D KL VAE that HunyuanDiT ships (sdxl-vae-fp16-fix, {@code scaling_factor} 0.13025): images
 * [B, 3, H, W] to a diagonal Gaussian over latents [B, L, H/f, W/f] ({@code f = 2^(len(block_out_channels)-1)})
 * and back, with diffusers' tiled encode and decode. Weights are bound strictly by their diffusers names
 * ({@code encoder.*}, {@code decoder.*}, {@code quant_conv.*}, {@code post_quant_conv.*}) from a diffusers
 * {@code vae/} folder.
 *
 * <pre>{@code
 * try (var vae = AutoencoderKL.load(Path.of("HunyuanDiT-v1.2-Diffusers/vae"), ComponentOptions.defaults())) {
 *     NDArray image = vae.decode(latents.div(vae.scalingFactor()));                 // [B, 4, h, w] -> [B, 3, 8h, 8w]
 *     NDArray big = vae.decode(latents, AutoencoderKLTiling.enableTiling(vae.config())); // 512 px tiles
 *     DiagonalGaussianDistribution posterior = vae.encode(pixels);                  // pixels in [-1, 1]
 * }
 * }</pre>
 *
 * <p><b>Images and one-frame videos.</b> As a {@link LatentDecoder} (temporal compression 1) {@link #decode}
 * takes either [B, L, h, w], giving images [B, C, f h, f w], or [B, L, T, h, w], giving [B, C, T, f h, f w]:
 * the frames are folded into the batch and decoded independently (what decoding each frame as an image gives;
 * GroupNorm statistics are per item), so the pipeline's single image is the 1-frame video [B, L, 1, h, w] and
 * comes back as [B, C, 1, f h, f w]. {@link #encode} takes [B, C, H, W] only.
 *
 * <p><b>Tiling</b> is chosen per call with an immutable {@link AutoencoderKLTiling} instead of diffusers'
 * mutable {@code enable_tiling()}; {@link #decode(NDArray)} uses the tiling given at load (off unless told
 * otherwise, as a fresh diffusers model). Tiles are cut, blended ({@code blend_v}, {@code blend_h}, in place, so
 * later tiles blend with already blended neighbours) and kept exactly as {@code tiled_decode} /
 * {@code _tiled_encode} do, through the tile grid every VAE shares ({@link Tiles#spatial2d}, a one-frame
 * view). Like the reference, the kept parts are concatenated without a final crop (see
 * {@link AutoencoderKLTiling}).
 *
 * <p><b>Precision.</b> Weights and activations are float32 under every compute dtype, as in the HunyuanVideo VAE
 * (docs/vae.md, "bf16": bf16 VAE weights miss the bf16 bound on held-out fixtures; diffusers' pipelines upcast
 * VAEs for the same reason); a bf16 or fp16 checkpoint is widened exactly. {@link #computeDtype()} reports the
 * pipeline dtype it was loaded for.
 *
 * <p><b>Offload.</b> As an {@link Offloadable} (component {@code vae}) the weights form the groups
 * {@link #SHARED} ({@code post_quant_conv}, {@code decoder.conv_in}, {@code decoder.conv_norm_out},
 * {@code decoder.conv_out}), {@code decoder.mid_block}, each {@code decoder.up_blocks.<i>}, and
 * {@link #ENCODER_GROUP} ({@code encoder.*}, {@code quant_conv.*}), which decoding never enters. With
 * {@link #blockOffload} installed (weights bound LAZY) a decode onloads the shared group once and every decoder
 * stage around its use, for every tile.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl.py#L36">diffusers AutoencoderKL</a>
 */
public final class AutoencoderKL extends AbstractAutoencoder {

    private final AutoencoderKLConfig config;
    private final Encoder encoder;
    private final Decoder decoder;
    private final @Nullable Conv2d quantConv;
    private final @Nullable Conv2d postQuantConv;
    private final AutoencoderKLTiling tiling;

    /**
     * Binds every module and checks the whole checkpoint.
     *
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException listing missing, unexpected and mis-shaped
     *     tensors
     */
    AutoencoderKL(AutoencoderKLConfig config, StateDict w, AutoencoderKLTiling tiling, AttentionBackend backend,
            ComputeDtype computeDtype, LoadMode loadMode, @Nullable NDManager weightManager,
            @Nullable TensorSource ownedSource) {
        super(computeDtype, loadMode, weightManager, ownedSource);
        this.config = config;
        this.encoder = new Encoder(w.child("encoder"), config, backend);
        this.decoder = new Decoder(w.child("decoder"), config, backend);
        long l = config.latentChannels();
        this.quantConv = config.useQuantConv()
                ? new Conv2d(w.child("quant_conv"), Conv2d.Spec.of(2 * l, 2 * l, 1, 1, 0)) : null;
        this.postQuantConv = config.usePostQuantConv()
                ? new Conv2d(w.child("post_quant_conv"), Conv2d.Spec.of(l, l, 1, 1, 0)) : null;
        this.tiling = tiling;
        bindingDone(w, config.blockOutChannels().size());
    }

    // ------------------------------------------------------------------------------------------------ loading

    /**
     * Loads a diffusers {@code vae/} folder with tiling off (a fresh diffusers model).
     *
     * @throws io.hunyuan4j.core.HunyuanException for a bad folder: the cases of
     *     {@link #load(Path, ComponentOptions, AutoencoderKLTiling)}
     */
    public static AutoencoderKL load(Path vaeDir, ComponentOptions options) {
        AutoencoderKLConfig config = AutoencoderKLConfig.fromJson(JsonConfig.read(vaeDir.resolve("config.json")));
        return load(vaeDir, config, options, AutoencoderKLTiling.defaults(config));
    }

    /**
     * Loads a diffusers {@code vae/} folder: {@code config.json} plus {@code diffusion_pytorch_model.safetensors}
     * or a sharded checkpoint with its {@code .index.json}.
     *
     * @param tiling what {@link #decode(NDArray)} (the pipeline's decode) and {@link #encode(NDArray)} use
     * @throws io.hunyuan4j.core.config.ConfigException for a missing, invalid or out-of-bounds config (file and
     *     key named), before any weight is read
     * @throws io.hunyuan4j.core.weights.SafetensorsException for a malformed weight file
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException if the names or shapes differ from the config's
     * @throws IllegalArgumentException if the folder holds no weights or several candidates
     * @throws java.io.UncheckedIOException if a file cannot be read
     */
    public static AutoencoderKL load(Path vaeDir, ComponentOptions options, AutoencoderKLTiling tiling) {
        AutoencoderKLConfig config = AutoencoderKLConfig.fromJson(JsonConfig.read(vaeDir.resolve("config.json")));
        return load(vaeDir, config, options, tiling);
    }

    private static AutoencoderKL load(Path vaeDir, AutoencoderKLConfig config, ComponentOptions options,
            AutoencoderKLTiling tiling) {
        return owning(Checkpoints.open(vaeDir), source -> create(config, source, options, tiling, source));
    }

    /**
     * Builds from tensors the caller owns (and closes after this VAE), e.g. a golden fixture's weights or
     * generated ones.
     */
    public static AutoencoderKL fromWeights(AutoencoderKLConfig config, TensorSource weights,
            ComponentOptions options, AutoencoderKLTiling tiling) {
        return create(config, weights, options, tiling, null);
    }

    private static AutoencoderKL create(AutoencoderKLConfig config, TensorSource source, ComponentOptions options,
            AutoencoderKLTiling tiling, @Nullable TensorSource owned) {
        return bind(source, options, "vae-kl-weights", (w, weights) -> new AutoencoderKL(config, w, tiling,
                new ChunkedAttention(), options.computeDtype(), options.loadMode(), weights, owned));
    }

    /**
     * The state-dict names and shapes a config implies, in binding order (for manifests, generated weights and
     * memory planning).
     */
    public static Map<String, Shape> parameterShapes(AutoencoderKLConfig config) {
        StateDict probe = StateDict.shapeOnly(Map.of(), "vae/ (probe)");
        new Encoder(probe.child("encoder"), config, new ChunkedAttention());
        new Decoder(probe.child("decoder"), config, new ChunkedAttention());
        long l = config.latentChannels();
        if (config.useQuantConv()) {
            new Conv2d(probe.child("quant_conv"), Conv2d.Spec.of(2 * l, 2 * l, 1, 1, 0));
        }
        if (config.usePostQuantConv()) {
            new Conv2d(probe.child("post_quant_conv"), Conv2d.Spec.of(l, l, 1, 1, 0));
        }
        return boundShapes(probe);
    }

    /** The config it was built from. */
    public AutoencoderKLConfig config() {
        return config;
    }

    /** The tiling {@link #decode(NDArray)} and {@link #encode(NDArray)} use. */
    public AutoencoderKLTiling tiling() {
        return tiling;
    }

    // ------------------------------------------------------------------------------------------------ encode

    /** Encodes with the tiling given at load. */
    public DiagonalGaussianDistribution encode(NDArray image) {
        return encode(image, tiling);
    }

    /**
     * diffusers {@code encode(x).latent_dist}: the posterior over the latents of an image batch.
     *
     * @param image [B, in_channels, H, W] in [-1, 1], float32; H and W (and, when tiled, every tile's edge) at
     *     least {@code 2^(len(block_out_channels)-1)}
     * @param tiling whether and how to tile this call
     * @return the posterior over [B, L, H', W'] (each downsampler floors n / 2), in the image's manager
     * @throws IllegalArgumentException for a bad shape or a tile too small for the encoder, before any computation
     */
    public DiagonalGaussianDistribution encode(NDArray image, AutoencoderKLTiling tiling) {
        requireImage(image, tiling);
        try (GroupOnloader.Scope weights =
                GroupOnloader.scope(blockOffloader(), this, ENCODER_GROUP, image.getManager())) {
            return new DiagonalGaussianDistribution(Scoped.apply(image, x -> encodeMoments(x, tiling)));
        }
    }

    /** diffusers {@code _encode}: tiled when tiling is on and the image exceeds a tile, else one pass. */
    private NDArray encodeMoments(NDArray x, AutoencoderKLTiling t) {
        Shape s = x.getShape();
        if (t.useTiling() && (s.get(3) > t.tileSampleMinSize() || s.get(2) > t.tileSampleMinSize())) {
            return tiledEncode(x, t);
        }
        return encodePlain(x);
    }

    /** {@code encoder} then {@code quant_conv} on one image or tile. */
    private NDArray encodePlain(NDArray x) {
        NDArray h = Scoped.apply(x, encoder::forward);
        Conv2d q = quantConv;
        return q == null ? h : Scoped.consume(h, q::forward);
    }

    /**
     * diffusers {@code _tiled_encode}: image tiles of {@code tile_sample_min_size} every {@code overlap_size}
     * pixels, blended over {@code blend_extent} latent rows and columns, each keeping its top-left
     * {@code row_limit} square.
     */
    private NDArray tiledEncode(NDArray x, AutoencoderKLTiling t) {
        Shape s = x.getShape();
        LongUnaryOperator out = this::encodedLength;
        Tiles.Axis rows = Tiles.Axis.spatial(s.get(2), t.tileSampleMinSize(), t.encodeStride(), t.encodeBlendExtent(),
                t.encodeRowLimit(), out);
        Tiles.Axis cols = Tiles.Axis.spatial(s.get(3), t.tileSampleMinSize(), t.encodeStride(), t.encodeBlendExtent(),
                t.encodeRowLimit(), out);
        return Tiles.spatial2d(x, rows, cols, this::encodePlain);
    }

    /** Latent length of an encoded axis of n pixels: every downsampler maps n to floor(n / 2). */
    private long encodedLength(long n) {
        long m = n;
        for (int i = 0; i < config.numDownsamples(); i++) {
            m = Downsample2D.outLength(m);
        }
        return m;
    }

    // ------------------------------------------------------------------------------------------------ decode

    /**
     * {@inheritDoc} Uses the tiling given at load. Accepts [B, L, h, w] (images [B, C, f h, f w]) and
     * [B, L, T, h, w] (frames decoded independently: [B, C, T, f h, f w]; T = 1 for the pipeline's image).
     */
    @Override
    public NDArray decode(NDArray latents) {
        return decode(latents, tiling);
    }

    /**
     * diffusers {@code decode(z).sample} (NOT divided by the scaling factor here: the pipeline does that).
     *
     * @param latents [B, latent_channels, h, w], or [B, latent_channels, T, h, w] for T frames decoded
     *     independently, float32
     * @param tiling whether and how to tile this call
     * @return [B, out_channels, f h, f w] or [B, out_channels, T, f h, f w], in the latents' manager
     * @throws IllegalArgumentException for a bad shape, before any computation
     */
    public NDArray decode(NDArray latents, AutoencoderKLTiling tiling) {
        requireLatents(latents);
        GroupOnloader off = blockOffloader();
        try (GroupOnloader.Scope shared = GroupOnloader.scope(off, this, SHARED, latents.getManager())) {
            if (latents.getShape().dimension() == 4) {
                return Scoped.apply(latents, z -> decodeImages(z, tiling, off));
            }
            return Scoped.apply(latents, z -> decodeFrames(z, tiling, off));
        }
    }

    /** [B, L, T, h, w] -> [B T, L, h, w] -> decode -> [B, C, T, f h, f w]. */
    private NDArray decodeFrames(NDArray z, AutoencoderKLTiling t, @Nullable GroupOnloader off) {
        Shape s = z.getShape();
        long b = s.get(0);
        long frames = s.get(2);
        // [B, L, T, h, w] -> [B, T, L, h, w] -> [B T, L, h, w]
        NDArray images = z.transpose(0, 2, 1, 3, 4).reshape(b * frames, s.get(1), s.get(3), s.get(4));
        NDArray decoded = Scoped.consume(images, x -> decodeImages(x, t, off));
        Shape d = decoded.getShape();
        // [B T, C, H, W] -> [B, T, C, H, W] -> [B, C, T, H, W]
        return Scoped.consume(decoded,
                x -> x.reshape(b, frames, d.get(1), d.get(2), d.get(3)).transpose(0, 2, 1, 3, 4));
    }

    /** diffusers {@code _decode}: tiled when tiling is on and the latent exceeds a tile, else one pass. */
    private NDArray decodeImages(NDArray z, AutoencoderKLTiling t, @Nullable GroupOnloader off) {
        Shape s = z.getShape();
        if (t.useTiling() && (s.get(3) > t.tileLatentMinSize() || s.get(2) > t.tileLatentMinSize())) {
            return tiledDecode(z, t, off);
        }
        return decodePlain(z, off);
    }

    /**
     * {@code post_quant_conv} and the decoder on one latent or tile.
     *
     * @param off when set, each decoder stage is onloaded around its use (the shared group is already placed)
     */
    private NDArray decodePlain(NDArray z, @Nullable GroupOnloader off) {
        Conv2d pq = postQuantConv;
        NDArray h = pq == null ? z : Scoped.apply(z, pq::forward);
        UnaryOperator<NDArray> dec = x -> decoder.forward(x,
                (stage, parent) -> GroupOnloader.scope(off, this, "decoder." + stage, parent));
        return pq == null ? Scoped.apply(h, dec) : Scoped.consume(h, dec);
    }

    /**
     * diffusers {@code tiled_decode}: latent tiles of {@code tile_latent_min_size} every {@code overlap_size},
     * blended over {@code blend_extent} pixels, each keeping its top-left {@code row_limit} square.
     */
    private NDArray tiledDecode(NDArray z, AutoencoderKLTiling t, @Nullable GroupOnloader off) {
        Shape s = z.getShape();
        long f = config.spatialCompressionRatio();
        LongUnaryOperator out = n -> n * f;
        Tiles.Axis rows = Tiles.Axis.spatial(s.get(2), t.tileLatentMinSize(), t.decodeStride(), t.decodeBlendExtent(),
                t.decodeRowLimit(), out);
        Tiles.Axis cols = Tiles.Axis.spatial(s.get(3), t.tileLatentMinSize(), t.decodeStride(), t.decodeBlendExtent(),
                t.decodeRowLimit(), out);
        return Tiles.spatial2d(z, rows, cols, tile -> decodePlain(tile, off));
    }

    // ------------------------------------------------------------------------------------------------ forward

    /**
     * diffusers {@code forward(sample, sample_posterior=False)}: decode the posterior's mode.
     *
     * @param sample [B, in_channels, H, W]
     * @return the reconstruction [B, out_channels, ...], in the sample's manager
     */
    public NDArray forward(NDArray sample, AutoencoderKLTiling tiling) {
        return Scoped.apply(sample, x -> decode(encode(x, tiling).mode(), tiling));
    }

    /**
     * diffusers {@code forward(sample, sample_posterior=True, generator=...)}: decode a latent drawn from the
     * posterior with a host-side generator (torch's {@code randn} stream is not reproduced).
     */
    public NDArray forward(NDArray sample, AutoencoderKLTiling tiling, RandomGenerator generator) {
        return Scoped.apply(sample, x -> decode(encode(x, tiling).sample(generator), tiling));
    }

    // ------------------------------------------------------------------------------------------------ checks

    private void requireImage(NDArray image, AutoencoderKLTiling t) {
        Shape s = image.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("image: rank " + s.dimension() + " (shape " + s
                    + ") must be 4: [batch, channels, height, width]");
        }
        if (s.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("image: channel count " + s.get(1) + " (shape " + s
                    + ") must equal in_channels " + config.inChannels());
        }
        long min = config.spatialCompressionRatio();
        boolean tiled = t.useTiling() && (s.get(3) > t.tileSampleMinSize() || s.get(2) > t.tileSampleMinSize());
        for (int axis = 2; axis <= 3; axis++) {
            long n = s.get(axis);
            // the smallest piece the encoder sees: the whole axis, or the last (edge) tile when tiled
            long smallest = n;
            if (tiled) {
                long lastStart = (n - 1) / t.encodeStride() * t.encodeStride();
                smallest = Math.min(n, Math.min(t.tileSampleMinSize(), n - lastStart));
            }
            if (s.get(0) < 1 || smallest < min) {
                throw new IllegalArgumentException("image: shape " + s + (tiled ? " tiled by "
                        + t.tileSampleMinSize() + " px every " + t.encodeStride() + " px gives an edge tile of "
                        + smallest + " px" : "") + " on axis " + axis + ": every piece the encoder sees must be"
                        + " at least " + min + " px (2^" + config.numDownsamples() + " downsamplers)");
            }
        }
    }

    private void requireLatents(NDArray latents) {
        Shape s = latents.getShape();
        if (s.dimension() != 4 && s.dimension() != 5) {
            throw new IllegalArgumentException("latents: rank " + s.dimension() + " (shape " + s
                    + ") must be 4 [batch, latent_channels, height, width] or 5 [batch, latent_channels, frames,"
                    + " height, width]");
        }
        if (s.get(1) != config.latentChannels()) {
            throw new IllegalArgumentException("latents: channel count " + s.get(1) + " (shape " + s
                    + ") must equal latent_channels " + config.latentChannels());
        }
        for (int i = 0; i < s.dimension(); i++) {
            if (s.get(i) < 1) {
                throw new IllegalArgumentException("latents: shape " + s + " must have every axis >= 1");
            }
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

    /** {@inheritDoc} 1: an image model; frames are decoded independently. */
    @Override
    public int temporalCompression() {
        return 1;
    }

    /** {@inheritDoc} {@code 2^(len(block_out_channels)-1)} (8 for HunyuanDiT). */
    @Override
    public int spatialCompression() {
        return config.spatialCompressionRatio();
    }
}
