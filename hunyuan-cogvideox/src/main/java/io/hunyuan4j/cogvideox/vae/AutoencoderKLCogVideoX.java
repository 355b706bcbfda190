package io.hunyuan4j.cogvideox.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.AbstractAutoencoder;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.GroupOnloader;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.nn.DiagonalGaussianDistribution;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.nn.Tiles;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * CogVideoX's causal video VAE: video [B, 3, T, H, W] to a diagonal Gaussian over latents
 * [B, L, T', H/8, W/8] (T' = (T - 1) / 4 + 1 for T = 4k + 1) and back. Weights are bound strictly by their diffusers
 * names ({@code encoder.*}, {@code decoder.*}, and {@code quant_conv.*} / {@code post_quant_conv.*} when the
 * config asks for them) from a diffusers {@code vae/} folder.
 *
 * <pre>{@code
 * try (var vae = AutoencoderKLCogVideoX.load(Path.of("CogVideoX-5b/vae"), ComponentOptions.defaults())) {
 *     NDArray video = vae.decode(latents.mul(1 / vae.scalingFactor()));      // frame-batched, like diffusers
 *     NDArray big = vae.decode(latents, CogVideoXTiling.enableTiling(vae.config(), null, null, null, null));
 *     NDArray imageLatents = vae.encode(image).sample(noise);                // I2V
 * }
 * }</pre>
 *
 * <p>As in diffusers, every pass is frame-batched: the encoder runs on batches of 8 frames and the decoder on
 * batches of 2 latent frames (the first batch takes the remainder), each causal convolution carrying its last
 * frames from batch to batch, with GroupNorm statistics per batch. {@link CogVideoXTiling} (chosen per call
 * instead of diffusers' mutable flags) adds overlapping spatial tiles, blended like {@code tiled_encode} /
 * {@code tiled_decode} on the tile grid every VAE shares ({@link Tiles}). Each stage runs in its own memory
 * scope; a tile is freed once the tile below it has been blended against it.
 *
 * <p><b>Precision.</b> Weights and arithmetic are float32 under every compute dtype, as for the HunyuanVideo VAE
 * (diffusers' pipelines upcast their VAEs; libtorch's bf16 conv3d is unsafe on some CPUs, docs/bf16-cpu.md).
 *
 * <p><b>Offload.</b> As an {@link Offloadable} (component {@code vae}) the weights form the groups
 * {@link #SHARED} ({@code post_quant_conv}, {@code decoder.conv_in}, {@code decoder.norm_out},
 * {@code decoder.conv_out}), {@code decoder.mid_block}, each {@code decoder.up_blocks.<i>}, and
 * {@link #ENCODER_GROUP}, which decoding never enters. With {@link #blockOffload} installed (weights bound LAZY)
 * a decode onloads each decoder stage around its use, for every tile and frame batch.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_cogvideox.py#L959">diffusers AutoencoderKLCogVideoX</a>
 */
public final class AutoencoderKLCogVideoX extends AbstractAutoencoder {

    private final CogVideoXVaeConfig config;
    private final CogVideoXEncoder3D encoder;
    private final CogVideoXDecoder3D decoder;
    private final @Nullable CogVideoXSafeConv3d quantConv;
    private final @Nullable CogVideoXSafeConv3d postQuantConv;
    private final CogVideoXTiling tiling;

    /**
     * Binds every module and checks the whole checkpoint.
     *
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException listing missing, unexpected and mis-shaped
     *     tensors
     */
    AutoencoderKLCogVideoX(CogVideoXVaeConfig config, StateDict w, CogVideoXTiling tiling,
            ComputeDtype computeDtype, LoadMode loadMode, @Nullable NDManager weightManager,
            @Nullable TensorSource ownedSource) {
        super(computeDtype, loadMode, weightManager, ownedSource);
        this.config = config;
        this.encoder = new CogVideoXEncoder3D(w.child("encoder"), config);
        this.decoder = new CogVideoXDecoder3D(w.child("decoder"), config);
        int out = config.outChannels();
        // diffusers sizes both from out_channels (the config requires latent_channels = out_channels for them)
        this.quantConv = config.useQuantConv()
                ? new CogVideoXSafeConv3d(w.child("quant_conv"), 2 * out, 2 * out, 1, 0) : null;
        this.postQuantConv = config.usePostQuantConv()
                ? new CogVideoXSafeConv3d(w.child("post_quant_conv"), out, out, 1, 0) : null;
        this.tiling = tiling;
        bindingDone(w, config.blockOutChannels().size());
    }

    /**
     * Loads a diffusers {@code vae/} folder with diffusers' default frame batching and no spatial tiles.
     *
     * @throws io.hunyuan4j.core.HunyuanException for a bad folder: the cases of
     *     {@link #load(Path, ComponentOptions, CogVideoXTiling)}
     */
    public static AutoencoderKLCogVideoX load(Path vaeDir, ComponentOptions options) {
        CogVideoXVaeConfig config = CogVideoXVaeConfig.fromJson(JsonConfig.read(vaeDir.resolve("config.json")));
        return load(vaeDir, config, options, CogVideoXTiling.defaults(config));
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
    public static AutoencoderKLCogVideoX load(Path vaeDir, ComponentOptions options, CogVideoXTiling tiling) {
        CogVideoXVaeConfig config = CogVideoXVaeConfig.fromJson(JsonConfig.read(vaeDir.resolve("config.json")));
        return load(vaeDir, config, options, tiling);
    }

    private static AutoencoderKLCogVideoX load(Path vaeDir, CogVideoXVaeConfig config, ComponentOptions options,
            CogVideoXTiling tiling) {
        return owning(Checkpoints.open(vaeDir), source -> create(config, source, options, tiling, source));
    }

    /** Builds from tensors the caller owns (and closes after this VAE), e.g. a golden fixture's weights. */
    public static AutoencoderKLCogVideoX fromWeights(CogVideoXVaeConfig config, TensorSource weights,
            ComponentOptions options, CogVideoXTiling tiling) {
        return create(config, weights, options, tiling, null);
    }

    private static AutoencoderKLCogVideoX create(CogVideoXVaeConfig config, TensorSource source,
            ComponentOptions options, CogVideoXTiling tiling, @Nullable TensorSource owned) {
        return bind(source, options, "cogvideox-vae-weights", (w, weights) -> new AutoencoderKLCogVideoX(config, w,
                tiling, options.computeDtype(), options.loadMode(), weights, owned));
    }

    /** The state-dict names and shapes a config implies, in binding order (manifests, memory planning). */
    public static Map<String, Shape> parameterShapes(CogVideoXVaeConfig config) {
        StateDict probe = StateDict.shapeOnly(Map.of(), "vae/ (probe)");
        new CogVideoXEncoder3D(probe.child("encoder"), config);
        new CogVideoXDecoder3D(probe.child("decoder"), config);
        int out = config.outChannels();
        if (config.useQuantConv()) {
            new CogVideoXSafeConv3d(probe.child("quant_conv"), 2 * out, 2 * out, 1, 0);
        }
        if (config.usePostQuantConv()) {
            new CogVideoXSafeConv3d(probe.child("post_quant_conv"), out, out, 1, 0);
        }
        return boundShapes(probe);
    }

    /** The config it was built from. */
    public CogVideoXVaeConfig config() {
        return config;
    }

    /** The tiling {@link #decode(NDArray)} and {@link #encode(NDArray)} use. */
    public CogVideoXTiling tiling() {
        return tiling;
    }

    // ------------------------------------------------------------------------------------------------ encode

    /** Encodes with the tiling given at load. */
    public DiagonalGaussianDistribution encode(NDArray video) {
        return encode(video, tiling);
    }

    /**
     * diffusers {@code encode(x).latent_dist}: the posterior over the latents. For I2V, {@code sample(noise)} on it
     * draws {@code mean + std * noise}.
     *
     * @param video [B, in_channels, T, H, W] in [-1, 1], float32, H and W multiples of the spatial compression
     * @param tiling frame batching and spatial tiles for this call
     * @return the posterior over [B, L, T', H', W'] (T' = (T - 1) / 4 + 1 for T = 4k + 1 with the default
     *     batching), in the video's manager
     * @throws IllegalArgumentException for a bad shape or tiling, before any computation
     */
    public DiagonalGaussianDistribution encode(NDArray video, CogVideoXTiling tiling) {
        requireVideo(video, tiling);
        try (GroupOnloader.Scope weights =
                GroupOnloader.scope(blockOffloader(), this, ENCODER_GROUP, video.getManager())) {
            return new DiagonalGaussianDistribution(Scoped.apply(video, x -> encodeMoments(x, tiling)));
        }
    }

    /** diffusers {@code _encode}: spatial tiles when enabled and the video is larger than one, else one pass. */
    private NDArray encodeMoments(NDArray x, CogVideoXTiling t) {
        Shape s = x.getShape();
        if (t.useTiling() && (s.get(4) > t.tileSampleMinWidth() || s.get(3) > t.tileSampleMinHeight())) {
            return tiledEncode(x, t);
        }
        return encodeFrames(x, t.numSampleFramesBatchSize());
    }

    /** The encoder over frame batches with carried caches, then {@code quant_conv}; moments in x's manager. */
    private NDArray encodeFrames(NDArray x, int frameBatchSize) {
        NDList parts = new NDList();
        try (ConvCache cache = new ConvCache(x.getManager())) {
            for (long[] b : frameBatches(x.getShape().get(2), frameBatchSize)) {
                parts.add(Scoped.keep(() -> {
                    NDArray h = encoder.forward(x.get(new NDIndex(":, :, {}:{}", b[0], b[1])), cache);
                    CogVideoXSafeConv3d quant = quantConv;
                    return quant == null ? h : quant.forward(h);
                }, x));
            }
            return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 2);
        } finally {
            if (parts.size() > 1) {
                parts.close();
            }
        }
    }

    /** diffusers {@code tiled_encode}: pixel tiles encoded on their own, blended and cropped in latent units. */
    private NDArray tiledEncode(NDArray x, CogVideoXTiling t) {
        int r = config.spatialCompressionRatio();
        int tlh = t.tileLatentMinHeight(r);
        int tlw = t.tileLatentMinWidth(r);
        int overlapHeight = (int) (t.tileSampleMinHeight() * (1 - t.tileOverlapFactorHeight()));
        int overlapWidth = (int) (t.tileSampleMinWidth() * (1 - t.tileOverlapFactorWidth()));
        int blendHeight = (int) (tlh * t.tileOverlapFactorHeight());
        int blendWidth = (int) (tlw * t.tileOverlapFactorWidth());
        Shape s = x.getShape();
        // every downsampler maps n to floor(n / 2) (one padded row, stride 2); requireVideo keeps tiles >= r
        LongUnaryOperator out = n -> n / r;
        Tiles.Axis rows = Tiles.Axis.spatial(s.get(3), t.tileSampleMinHeight(), overlapHeight, blendHeight,
                tlh - blendHeight, out);
        Tiles.Axis cols =
                Tiles.Axis.spatial(s.get(4), t.tileSampleMinWidth(), overlapWidth, blendWidth, tlw - blendWidth, out);
        return Tiles.spatial(x, rows, cols, tile -> encodeFrames(tile, t.numSampleFramesBatchSize()));
    }

    // ------------------------------------------------------------------------------------------------ decode

    /** {@inheritDoc} Uses the tiling given at load. */
    @Override
    public NDArray decode(NDArray latents) {
        return decode(latents, tiling);
    }

    /**
     * diffusers {@code decode(z).sample}; latents are NOT divided by the scaling factor here (the pipelines
     * multiply by {@code 1 / scaling_factor} first).
     *
     * @param latents [B, latent_channels, T', H', W'], float32
     * @param tiling frame batching and spatial tiles for this call
     * @return video [B, out_channels, T, 8 H', 8 W'] (with the default batching T = 4 T' for even T', 1 + 4 (T' - 1)
     *     for odd), in the latents' manager
     * @throws IllegalArgumentException for a bad shape or tiling, before any computation
     */
    public NDArray decode(NDArray latents, CogVideoXTiling tiling) {
        requireLatents(latents, tiling);
        GroupOnloader off = blockOffloader();
        try (GroupOnloader.Scope shared = GroupOnloader.scope(off, this, SHARED, latents.getManager())) {
            return Scoped.apply(latents, z -> {
                Shape s = z.getShape();
                int r = config.spatialCompressionRatio();
                if (tiling.useTiling()
                        && (s.get(4) > tiling.tileLatentMinWidth(r) || s.get(3) > tiling.tileLatentMinHeight(r))) {
                    return tiledDecode(z, tiling, off);
                }
                return decodeFrames(z, tiling.numLatentFramesBatchSize(), off);
            });
        }
    }

    /** {@code post_quant_conv} and the decoder over latent frame batches with carried caches; in z's manager. */
    private NDArray decodeFrames(NDArray z, int frameBatchSize, @Nullable GroupOnloader off) {
        NDList parts = new NDList();
        try (ConvCache cache = new ConvCache(z.getManager())) {
            for (long[] b : frameBatches(z.getShape().get(2), frameBatchSize)) {
                parts.add(Scoped.keep(() -> {
                    NDArray batch = z.get(new NDIndex(":, :, {}:{}", b[0], b[1]));
                    CogVideoXSafeConv3d post = postQuantConv;
                    NDArray h = post == null ? batch : post.forward(batch);
                    return decoder.forward(h, cache,
                            (stage, parent) -> GroupOnloader.scope(off, this, "decoder." + stage, parent));
                }, z));
            }
            return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 2);
        } finally {
            if (parts.size() > 1) {
                parts.close();
            }
        }
    }

    /** diffusers {@code tiled_decode}: latent tiles decoded on their own, blended and cropped in pixels. */
    private NDArray tiledDecode(NDArray z, CogVideoXTiling t, @Nullable GroupOnloader off) {
        int r = config.spatialCompressionRatio();
        int tlh = t.tileLatentMinHeight(r);
        int tlw = t.tileLatentMinWidth(r);
        int overlapHeight = (int) (tlh * (1 - t.tileOverlapFactorHeight()));
        int overlapWidth = (int) (tlw * (1 - t.tileOverlapFactorWidth()));
        int blendHeight = (int) (t.tileSampleMinHeight() * t.tileOverlapFactorHeight());
        int blendWidth = (int) (t.tileSampleMinWidth() * t.tileOverlapFactorWidth());
        Shape s = z.getShape();
        LongUnaryOperator out = n -> n * r;
        Tiles.Axis rows = Tiles.Axis.spatial(s.get(3), tlh, overlapHeight, blendHeight,
                t.tileSampleMinHeight() - blendHeight, out);
        Tiles.Axis cols =
                Tiles.Axis.spatial(s.get(4), tlw, overlapWidth, blendWidth, t.tileSampleMinWidth() - blendWidth, out);
        return Tiles.spatial(z, rows, cols, tile -> decodeFrames(tile, t.numLatentFramesBatchSize(), off));
    }

    /**
     * diffusers' frame batches: {@code max(n / size, 1)} batches of {@code size}, the first also taking the
     * {@code n % size} remainder (so the batches cover every frame).
     */
    static List<long[]> frameBatches(long numFrames, int size) {
        long numBatches = Math.max(numFrames / size, 1);
        long remaining = numFrames % size;
        List<long[]> out = new ArrayList<>();
        for (long i = 0; i < numBatches; i++) {
            long start = size * i + (i == 0 ? 0 : remaining);
            long end = Math.min(numFrames, size * (i + 1) + remaining);
            out.add(new long[] {start, end});
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ forward

    /**
     * diffusers {@code forward(sample, sample_posterior=False)}: decode the posterior's mode.
     *
     * @param sample video [B, in_channels, T, H, W]
     * @return the reconstruction, in the sample's manager
     */
    public NDArray forward(NDArray sample, CogVideoXTiling tiling) {
        return Scoped.apply(sample, x -> decode(encode(x, tiling).mode(), tiling));
    }

    // ------------------------------------------------------------------------------------------------ checks

    private void requireVideo(NDArray video, CogVideoXTiling t) {
        Shape s = video.getShape();
        if (s.dimension() != 5) {
            throw new IllegalArgumentException("video: rank " + s.dimension() + " (shape " + s
                    + ") must be 5: [batch, channels, frames, height, width]");
        }
        if (s.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("video: channel count " + s.get(1) + " (shape " + s
                    + ") must equal in_channels " + config.inChannels());
        }
        int r = config.spatialCompressionRatio();
        if (s.get(0) < 1 || s.get(2) < 1 || s.get(3) < 1 || s.get(3) % r != 0 || s.get(4) < 1 || s.get(4) % r != 0) {
            throw new IllegalArgumentException("video: shape " + s + " must have batch and frames >= 1 and height"
                    + " and width positive multiples of the spatial compression " + r);
        }
        if (t.useTiling() && (s.get(4) > t.tileSampleMinWidth() || s.get(3) > t.tileSampleMinHeight())) {
            int oh = (int) (t.tileSampleMinHeight() * (1 - t.tileOverlapFactorHeight()));
            int ow = (int) (t.tileSampleMinWidth() * (1 - t.tileOverlapFactorWidth()));
            requireStride("tile_sample_min_height", t.tileSampleMinHeight(), t.tileOverlapFactorHeight(), oh);
            requireStride("tile_sample_min_width", t.tileSampleMinWidth(), t.tileOverlapFactorWidth(), ow);
            // each downsampling pads one row: a tile edge shorter than the compression would shrink to nothing
            requireTileEdges("height", s.get(3), t.tileSampleMinHeight(), oh, r);
            requireTileEdges("width", s.get(4), t.tileSampleMinWidth(), ow, r);
        }
    }

    private void requireLatents(NDArray latents, CogVideoXTiling t) {
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
        int r = config.spatialCompressionRatio();
        if (t.useTiling() && (s.get(4) > t.tileLatentMinWidth(r) || s.get(3) > t.tileLatentMinHeight(r))) {
            int tlh = t.tileLatentMinHeight(r);
            int tlw = t.tileLatentMinWidth(r);
            requireStride("tile_sample_min_height / " + r, tlh, t.tileOverlapFactorHeight(),
                    (int) (tlh * (1 - t.tileOverlapFactorHeight())));
            requireStride("tile_sample_min_width / " + r, tlw, t.tileOverlapFactorWidth(),
                    (int) (tlw * (1 - t.tileOverlapFactorWidth())));
        }
    }

    private static void requireStride(String tile, int size, double overlap, int stride) {
        if (stride < 1) {
            throw new IllegalArgumentException("tiling: " + tile + " = " + size + " with overlap factor " + overlap
                    + " gives a tile stride of " + stride + "; it must be >= 1");
        }
    }

    private static void requireTileEdges(String axis, long extent, int tile, int stride, int ratio) {
        for (long i = 0; i < extent; i += stride) {
            long edge = Math.min(tile, extent - i);
            if (edge < ratio) {
                throw new IllegalArgumentException("tiling: the video " + axis + " " + extent + " cut into tiles of "
                        + tile + " every " + stride + " leaves a tile of " + edge + " at " + i
                        + "; every tile needs at least the spatial compression " + ratio);
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
