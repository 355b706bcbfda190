package io.hunyuan4j.vae.kl;

/**
 * diffusers {@code AutoencoderKL}'s tiling attributes as an immutable value, chosen per call instead of the
 * mutable {@code enable_tiling()} / {@code disable_tiling()} flags. The derived numbers are the reference's, with
 * Python's {@code int()} truncation of double products:
 *
 * <ul>
 *   <li>decode (when the latent is taller or wider than {@code tile_latent_min_size}): latent tiles of
 *       {@code tile_latent_min_size} every {@link #decodeStride()} = {@code int(tile_latent_min_size * (1 -
 *       tile_overlap_factor))}, blended over {@link #decodeBlendExtent()} = {@code int(tile_sample_min_size *
 *       tile_overlap_factor)} pixels, each keeping {@link #decodeRowLimit()} = {@code tile_sample_min_size -
 *       blend_extent} pixels;</li>
 *   <li>encode (when the image is taller or wider than {@code tile_sample_min_size}): image tiles of
 *       {@code tile_sample_min_size} every {@link #encodeStride()} = {@code int(tile_sample_min_size * (1 -
 *       tile_overlap_factor))} pixels, blended over {@link #encodeBlendExtent()} = {@code int(tile_latent_min_size
 *       * tile_overlap_factor)} latent rows, each keeping {@link #encodeRowLimit()} = {@code tile_latent_min_size -
 *       blend_extent}.</li>
 * </ul>
 *
 * <p>As in diffusers the kept parts are concatenated without a final crop, so the result has the full size only
 * when a tile's kept part equals its stride in output units (e.g. {@code sample_size} 32, 64 or 512 with the
 * default overlap); otherwise the image or latent comes out larger or smaller, exactly as the reference's.
 *
 * @param useTiling {@code use_tiling}
 * @param tileSampleMinSize {@code tile_sample_min_size} (pixels)
 * @param tileLatentMinSize {@code tile_latent_min_size} (latent elements)
 * @param tileOverlapFactor {@code tile_overlap_factor} in [0, 1)
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl.py#L133">diffusers AutoencoderKL tiling attributes</a>
 */
public record AutoencoderKLTiling(boolean useTiling, int tileSampleMinSize, int tileLatentMinSize,
        double tileOverlapFactor) {

    /** diffusers' {@code tile_overlap_factor}. */
    public static final double DEFAULT_OVERLAP_FACTOR = 0.25;

    /**
     * Validates: tiles of at least one element, strides of at least one (Python's {@code range} rejects a zero
     * step) and a positive kept part.
     *
     * @throws IllegalArgumentException naming the attribute and the value
     */
    public AutoencoderKLTiling {
        if (tileSampleMinSize < 1 || tileLatentMinSize < 1) {
            throw new IllegalArgumentException("tile_sample_min_size " + tileSampleMinSize
                    + " and tile_latent_min_size " + tileLatentMinSize + " must be >= 1");
        }
        if (!(tileOverlapFactor >= 0 && tileOverlapFactor < 1)) {
            throw new IllegalArgumentException("tile_overlap_factor must be in [0, 1) but is " + tileOverlapFactor);
        }
        if (stride(tileLatentMinSize, tileOverlapFactor) < 1 || stride(tileSampleMinSize, tileOverlapFactor) < 1) {
            throw new IllegalArgumentException("tile_overlap_factor " + tileOverlapFactor + " leaves a stride of 0"
                    + " for tile_latent_min_size " + tileLatentMinSize + " or tile_sample_min_size "
                    + tileSampleMinSize + " (int(size * (1 - factor)) must be >= 1)");
        }
    }

    /** A fresh model's: tiling off (sizes as {@link #enableTiling} would set them). */
    public static AutoencoderKLTiling defaults(AutoencoderKLConfig config) {
        return enableTiling(config).withTiling(false);
    }

    /**
     * {@code vae.enable_tiling()}: tiles of {@code sample_size} pixels, {@code int(sample_size / 2 **
     * (len(block_out_channels) - 1))} latent elements, overlap 0.25.
     */
    public static AutoencoderKLTiling enableTiling(AutoencoderKLConfig config) {
        int latent = (int) ((double) config.sampleSize() / config.spatialCompressionRatio());
        return new AutoencoderKLTiling(true, config.sampleSize(), Math.max(1, latent), DEFAULT_OVERLAP_FACTOR);
    }

    /** A copy with tiling on or off. */
    public AutoencoderKLTiling withTiling(boolean on) {
        return new AutoencoderKLTiling(on, tileSampleMinSize, tileLatentMinSize, tileOverlapFactor);
    }

    /** A copy with other tile sizes (set both, as diffusers' attributes are independent). */
    public AutoencoderKLTiling withTileSizes(int sampleMinSize, int latentMinSize) {
        return new AutoencoderKLTiling(useTiling, sampleMinSize, latentMinSize, tileOverlapFactor);
    }

    /** A copy with another {@code tile_overlap_factor}. */
    public AutoencoderKLTiling withOverlapFactor(double factor) {
        return new AutoencoderKLTiling(useTiling, tileSampleMinSize, tileLatentMinSize, factor);
    }

    /** {@code tiled_decode}'s {@code overlap_size}: latent elements between tile starts. */
    public int decodeStride() {
        return stride(tileLatentMinSize, tileOverlapFactor);
    }

    /** {@code tiled_decode}'s {@code blend_extent} (pixels, before clamping to the tiles). */
    public int decodeBlendExtent() {
        return (int) (tileSampleMinSize * tileOverlapFactor);
    }

    /** {@code tiled_decode}'s {@code row_limit}: pixels kept per tile and axis. */
    public int decodeRowLimit() {
        return tileSampleMinSize - decodeBlendExtent();
    }

    /** {@code _tiled_encode}'s {@code overlap_size}: pixels between tile starts. */
    public int encodeStride() {
        return stride(tileSampleMinSize, tileOverlapFactor);
    }

    /** {@code _tiled_encode}'s {@code blend_extent} (latent elements, before clamping to the tiles). */
    public int encodeBlendExtent() {
        return (int) (tileLatentMinSize * tileOverlapFactor);
    }

    /** {@code _tiled_encode}'s {@code row_limit}: latent elements kept per tile and axis. */
    public int encodeRowLimit() {
        return tileLatentMinSize - encodeBlendExtent();
    }

    private static int stride(int size, double factor) {
        return (int) (size * (1 - factor));
    }
}
