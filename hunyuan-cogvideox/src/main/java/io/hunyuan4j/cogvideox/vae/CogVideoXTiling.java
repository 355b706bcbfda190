package io.hunyuan4j.cogvideox.vae;

import io.hunyuan4j.core.config.JsonConfig;
import org.jspecify.annotations.Nullable;

/**
 * How one {@link AutoencoderKLCogVideoX} call cuts its input: diffusers' mutable {@code use_tiling},
 * {@code tile_sample_min_*}, {@code tile_overlap_factor_*}, {@code num_sample_frames_batch_size} and
 * {@code num_latent_frames_batch_size} attributes as an immutable value chosen per call.
 *
 * <p>Frame batching always applies (diffusers' default): the encoder sees batches of
 * {@code numSampleFramesBatchSize} frames and the decoder of {@code numLatentFramesBatchSize} latent frames, the
 * first batch taking the remainder. With {@code useTiling}, an input larger than one tile is also cut into
 * overlapping spatial tiles, each run frame-batched on its own and blended with its upper and left neighbours.
 *
 * @param useTiling whether spatial tiles are used (diffusers' {@code enable_tiling()})
 * @param tileSampleMinHeight tile height in pixels ({@code sample_height // 2} by default)
 * @param tileSampleMinWidth tile width in pixels ({@code sample_width // 2} by default)
 * @param tileOverlapFactorHeight share of a tile's height overlapping the next one (1/6), in [0, 1)
 * @param tileOverlapFactorWidth share of a tile's width overlapping the next one (1/5), in [0, 1)
 * @param numSampleFramesBatchSize encoder frame batch (8)
 * @param numLatentFramesBatchSize decoder latent frame batch (2)
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_cogvideox.py#L1085">diffusers AutoencoderKLCogVideoX.enable_tiling</a>
 */
public record CogVideoXTiling(boolean useTiling, int tileSampleMinHeight, int tileSampleMinWidth,
        double tileOverlapFactorHeight, double tileOverlapFactorWidth, int numSampleFramesBatchSize,
        int numLatentFramesBatchSize) {

    /** diffusers' {@code num_sample_frames_batch_size}. */
    public static final int DEFAULT_SAMPLE_FRAMES_BATCH = 8;
    /** diffusers' {@code num_latent_frames_batch_size}. */
    public static final int DEFAULT_LATENT_FRAMES_BATCH = 2;
    /** diffusers' {@code tile_overlap_factor_height}. */
    public static final double DEFAULT_OVERLAP_HEIGHT = 1.0 / 6;
    /** diffusers' {@code tile_overlap_factor_width}. */
    public static final double DEFAULT_OVERLAP_WIDTH = 1.0 / 5;

    /** Validates; messages name the attribute, the value and the rule. */
    public CogVideoXTiling {
        require(tileSampleMinHeight >= 1, "tile_sample_min_height", tileSampleMinHeight, "must be >= 1");
        require(tileSampleMinWidth >= 1, "tile_sample_min_width", tileSampleMinWidth, "must be >= 1");
        require(tileOverlapFactorHeight >= 0 && tileOverlapFactorHeight < 1, "tile_overlap_factor_height",
                tileOverlapFactorHeight, "must be in [0, 1)");
        require(tileOverlapFactorWidth >= 0 && tileOverlapFactorWidth < 1, "tile_overlap_factor_width",
                tileOverlapFactorWidth, "must be in [0, 1)");
        require(numSampleFramesBatchSize >= 1, "num_sample_frames_batch_size", numSampleFramesBatchSize,
                "must be >= 1");
        require(numLatentFramesBatchSize >= 1, "num_latent_frames_batch_size", numLatentFramesBatchSize,
                "must be >= 1");
    }

    /** The state right after diffusers' {@code __init__}: frame batching only, tiles of half the sample size. */
    public static CogVideoXTiling defaults(CogVideoXVaeConfig config) {
        return new CogVideoXTiling(false, config.sampleHeight() / 2, config.sampleWidth() / 2,
                DEFAULT_OVERLAP_HEIGHT, DEFAULT_OVERLAP_WIDTH, DEFAULT_SAMPLE_FRAMES_BATCH,
                DEFAULT_LATENT_FRAMES_BATCH);
    }

    /**
     * diffusers' {@code enable_tiling(...)} on a fresh VAE: each argument that is null or 0 keeps the default
     * ({@code value or default}).
     */
    public static CogVideoXTiling enableTiling(CogVideoXVaeConfig config, @Nullable Integer tileSampleMinHeight,
            @Nullable Integer tileSampleMinWidth, @Nullable Double tileOverlapFactorHeight,
            @Nullable Double tileOverlapFactorWidth) {
        CogVideoXTiling d = defaults(config);
        return new CogVideoXTiling(true,
                tileSampleMinHeight == null || tileSampleMinHeight == 0 ? d.tileSampleMinHeight : tileSampleMinHeight,
                tileSampleMinWidth == null || tileSampleMinWidth == 0 ? d.tileSampleMinWidth : tileSampleMinWidth,
                tileOverlapFactorHeight == null || tileOverlapFactorHeight == 0 ? d.tileOverlapFactorHeight
                        : tileOverlapFactorHeight,
                tileOverlapFactorWidth == null || tileOverlapFactorWidth == 0 ? d.tileOverlapFactorWidth
                        : tileOverlapFactorWidth,
                d.numSampleFramesBatchSize, d.numLatentFramesBatchSize);
    }

    /**
     * {@code enable_tiling(**kwargs)} with the keyword arguments as a JSON object ({@code tile_sample_min_height},
     * {@code tile_sample_min_width}, {@code tile_overlap_factor_height}, {@code tile_overlap_factor_width}).
     *
     * @throws io.hunyuan4j.core.config.ConfigException for a mistyped value
     */
    public static CogVideoXTiling enableTiling(CogVideoXVaeConfig config, JsonConfig kwargs) {
        return enableTiling(config,
                kwargs.has("tile_sample_min_height") ? kwargs.getInt("tile_sample_min_height") : null,
                kwargs.has("tile_sample_min_width") ? kwargs.getInt("tile_sample_min_width") : null,
                kwargs.has("tile_overlap_factor_height") ? kwargs.getDouble("tile_overlap_factor_height", 0) : null,
                kwargs.has("tile_overlap_factor_width") ? kwargs.getDouble("tile_overlap_factor_width", 0) : null);
    }

    /** This tiling with other frame batch sizes (e.g. all frames in one pass). */
    public CogVideoXTiling withFrameBatches(int sampleFrames, int latentFrames) {
        return new CogVideoXTiling(useTiling, tileSampleMinHeight, tileSampleMinWidth, tileOverlapFactorHeight,
                tileOverlapFactorWidth, sampleFrames, latentFrames);
    }

    /** {@code int(tile_sample_min_height / spatial_ratio)}. */
    int tileLatentMinHeight(int spatialRatio) {
        return tileSampleMinHeight / spatialRatio;
    }

    /** {@code int(tile_sample_min_width / spatial_ratio)}. */
    int tileLatentMinWidth(int spatialRatio) {
        return tileSampleMinWidth / spatialRatio;
    }

    private static void require(boolean ok, String key, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(key + " = " + value + ": " + rule);
        }
    }
}
