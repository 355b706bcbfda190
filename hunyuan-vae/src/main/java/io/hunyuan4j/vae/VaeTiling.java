package io.hunyuan4j.vae;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;

/**
 * How {@link AutoencoderKLHunyuanVideo} splits work into tiles: the reference's mutable flags and tile attributes
 * ({@code use_tiling}, {@code use_framewise_encoding}, {@code use_framewise_decoding},
 * {@code tile_sample_min_*}, {@code tile_sample_stride_*}) as one immutable value passed per call. Sizes and
 * strides are in sample (pixel / video frame) space, as in diffusers; the overlap {@code min - stride} of each
 * axis is blended linearly.
 *
 * <ul>
 *   <li>{@link #defaults()}: what a fresh diffusers model does: frame-wise encode/decode when the input has more
 *       than 16 frames (4 latent frames), no spatial tiling.</li>
 *   <li>{@link #enableTiling()}: {@code vae.enable_tiling()}: spatial tiles of 256 px with stride 192 as well.</li>
 *   <li>{@link #none()}: the whole input through the network at once.</li>
 * </ul>
 *
 * @param useTiling spatial tiling (diffusers {@code use_tiling}, off by default)
 * @param useFramewiseEncoding temporal tiling of encode (diffusers default on)
 * @param useFramewiseDecoding temporal tiling of decode (diffusers default on)
 * @param tileSampleMinHeight tile height in pixels (256)
 * @param tileSampleMinWidth tile width in pixels (256)
 * @param tileSampleMinNumFrames tile length in video frames (16)
 * @param tileSampleStrideHeight vertical stride in pixels (192)
 * @param tileSampleStrideWidth horizontal stride in pixels (192)
 * @param tileSampleStrideNumFrames temporal stride in video frames (12)
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L718">diffusers AutoencoderKLHunyuanVideo.enable_tiling</a>
 */
public record VaeTiling(boolean useTiling, boolean useFramewiseEncoding, boolean useFramewiseDecoding,
        int tileSampleMinHeight, int tileSampleMinWidth, int tileSampleMinNumFrames, int tileSampleStrideHeight,
        int tileSampleStrideWidth, int tileSampleStrideNumFrames) {

    /** diffusers {@code tile_sample_min_height} / {@code _width} default. */
    public static final int DEFAULT_TILE_SIZE = 256;
    /** diffusers {@code tile_sample_min_num_frames} default. */
    public static final int DEFAULT_TILE_FRAMES = 16;
    /** diffusers {@code tile_sample_stride_height} / {@code _width} default. */
    public static final int DEFAULT_STRIDE = 192;
    /** diffusers {@code tile_sample_stride_num_frames} default. */
    public static final int DEFAULT_STRIDE_FRAMES = 12;

    /**
     * Validates every axis: tile and stride positive, and the overlap {@code tile - stride} smaller than the tile
     * and not negative ({@code 1 <= stride <= tile}).
     *
     * @throws IllegalArgumentException naming the parameter, its value and the rule
     */
    public VaeTiling {
        axis("height", tileSampleMinHeight, tileSampleStrideHeight);
        axis("width", tileSampleMinWidth, tileSampleStrideWidth);
        axis("num_frames", tileSampleMinNumFrames, tileSampleStrideNumFrames);
    }

    /** A fresh diffusers model: frame-wise encode and decode, no spatial tiling, tiles 256/256/16, strides 192/192/12. */
    public static VaeTiling defaults() {
        return new VaeTiling(false, true, true, DEFAULT_TILE_SIZE, DEFAULT_TILE_SIZE, DEFAULT_TILE_FRAMES,
                DEFAULT_STRIDE, DEFAULT_STRIDE, DEFAULT_STRIDE_FRAMES);
    }

    /** {@code vae.enable_tiling()} with the default sizes: spatial and frame-wise tiling. */
    public static VaeTiling enableTiling() {
        return defaults().withTiling(true);
    }

    /** No tiling at all: {@code use_tiling=False}, {@code use_framewise_encoding/decoding=False}. */
    public static VaeTiling none() {
        return defaults().withFramewise(false);
    }

    /**
     * Reads {@code enable_tiling} keyword arguments ({@code tile_sample_min_height}, ..., any subset; missing, null
     * or 0 keep the defaults, as {@code enable_tiling(**kwargs)}'s {@code value or default} does) and turns spatial
     * tiling on. The frame-wise flags may be given as {@code use_framewise_encoding} /
     * {@code use_framewise_decoding} (default true).
     */
    public static VaeTiling fromJson(JsonConfig j) {
        try {
            return new VaeTiling(j.getBoolean("use_tiling", true),
                    j.getBoolean("use_framewise_encoding", true),
                    j.getBoolean("use_framewise_decoding", true),
                    orDefault(j.getInt("tile_sample_min_height", DEFAULT_TILE_SIZE), DEFAULT_TILE_SIZE),
                    orDefault(j.getInt("tile_sample_min_width", DEFAULT_TILE_SIZE), DEFAULT_TILE_SIZE),
                    orDefault(j.getInt("tile_sample_min_num_frames", DEFAULT_TILE_FRAMES), DEFAULT_TILE_FRAMES),
                    orDefault(j.getInt("tile_sample_stride_height", DEFAULT_STRIDE), DEFAULT_STRIDE),
                    orDefault(j.getInt("tile_sample_stride_width", DEFAULT_STRIDE), DEFAULT_STRIDE),
                    orDefault(j.getInt("tile_sample_stride_num_frames", DEFAULT_STRIDE_FRAMES),
                            DEFAULT_STRIDE_FRAMES));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(j.source() + ": " + e.getMessage(), e);
        }
    }

    /** Python's {@code value or default} for an int. */
    private static int orDefault(int value, int def) {
        return value == 0 ? def : value;
    }

    /** With spatial tiling on or off. */
    public VaeTiling withTiling(boolean on) {
        return new VaeTiling(on, useFramewiseEncoding, useFramewiseDecoding, tileSampleMinHeight, tileSampleMinWidth,
                tileSampleMinNumFrames, tileSampleStrideHeight, tileSampleStrideWidth, tileSampleStrideNumFrames);
    }

    /** With frame-wise (temporal) tiling of both encode and decode on or off. */
    public VaeTiling withFramewise(boolean on) {
        return new VaeTiling(useTiling, on, on, tileSampleMinHeight, tileSampleMinWidth, tileSampleMinNumFrames,
                tileSampleStrideHeight, tileSampleStrideWidth, tileSampleStrideNumFrames);
    }

    /**
     * A (height, width, frames) triple in sample space.
     *
     * @param height pixels
     * @param width pixels
     * @param numFrames video frames
     */
    public record Extent(int height, int width, int numFrames) { }

    /** With other tile sizes and strides at once (sample space). */
    public VaeTiling withTiles(Extent tileSampleMin, Extent tileSampleStride) {
        return new VaeTiling(useTiling, useFramewiseEncoding, useFramewiseDecoding, tileSampleMin.height(),
                tileSampleMin.width(), tileSampleMin.numFrames(), tileSampleStride.height(), tileSampleStride.width(),
                tileSampleStride.numFrames());
    }

    /** With other tile sizes (sample space); the strides must still fit (see {@link #withTiles}). */
    public VaeTiling withTileSize(int height, int width, int numFrames) {
        return new VaeTiling(useTiling, useFramewiseEncoding, useFramewiseDecoding, height, width, numFrames,
                tileSampleStrideHeight, tileSampleStrideWidth, tileSampleStrideNumFrames);
    }

    /** With other strides (sample space); the tile sizes must still contain them (see {@link #withTiles}). */
    public VaeTiling withStride(int height, int width, int numFrames) {
        return new VaeTiling(useTiling, useFramewiseEncoding, useFramewiseDecoding, tileSampleMinHeight,
                tileSampleMinWidth, tileSampleMinNumFrames, height, width, numFrames);
    }

    /**
     * Checks that the tiles still cover at least one latent element per axis under the given compression, which
     * the reference's integer division needs ({@code range(0, n, 0)} fails in Python).
     *
     * @throws IllegalArgumentException naming the parameter
     */
    public void requireLatentTiles(int spatialCompression, int temporalCompression) {
        latent("tile_sample_min_height", tileSampleMinHeight, spatialCompression);
        latent("tile_sample_min_width", tileSampleMinWidth, spatialCompression);
        latent("tile_sample_min_num_frames", tileSampleMinNumFrames, temporalCompression);
        latent("tile_sample_stride_height", tileSampleStrideHeight, spatialCompression);
        latent("tile_sample_stride_width", tileSampleStrideWidth, spatialCompression);
        latent("tile_sample_stride_num_frames", tileSampleStrideNumFrames, temporalCompression);
    }

    private static void latent(String name, int sample, int ratio) {
        if (sample / ratio < 1) {
            throw new IllegalArgumentException(name + " = " + sample + ": must be at least the compression ratio "
                    + ratio + " so that a tile spans one latent element");
        }
    }

    private static void axis(String axis, int tile, int stride) {
        String t = "tile_sample_min_" + axis;
        String s = "tile_sample_stride_" + axis;
        if (tile <= 0) {
            throw new IllegalArgumentException(t + " = " + tile + ": must be > 0");
        }
        if (stride <= 0) {
            throw new IllegalArgumentException("tile overlap " + t + " - " + s + " = " + (tile - stride)
                    + " (" + s + " = " + stride + "): the overlap must be smaller than the tile size " + tile
                    + ", i.e. the stride must be >= 1");
        }
        if (stride > tile) {
            throw new IllegalArgumentException(s + " = " + stride + ": must not exceed " + t + " = " + tile
                    + " (a negative overlap leaves gaps between tiles)");
        }
    }
}
