package io.hunyuan4j.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.nn.Tiles;
import io.hunyuan4j.core.nn.Tiles.Axis;
import java.util.function.UnaryOperator;

/**
 * The HunyuanVideo VAE's tiled encode and decode, with the tile network passed in: which mode runs
 * ({@code _encode} / {@code _decode}) and the numbers of each tiling axis ({@code tiled_encode},
 * {@code tiled_decode}, {@code _temporal_tiled_encode}, {@code _temporal_tiled_decode}). The tile grid itself
 * (cutting, blending, keeping, memory) is {@link Tiles}', which every VAE shares.
 *
 * <p>Quirks kept exactly, since they decide the numbers:
 *
 * <ul>
 *   <li>Dispatch: frame-wise first, then spatial, else one pass. Decode tiles frame-wise when the latent has more
 *       than {@code tile_sample_min_num_frames / 4} frames, encode when the video has more than
 *       {@code tile_sample_min_num_frames} frames. Inside a frame-wise pass each chunk is tiled spatially when
 *       spatial tiling is on and the frame exceeds a tile.</li>
 *   <li>Encode cuts tiles and strides in sample space and blends and keeps in latent space ({@code min / 8 -
 *       stride / 8}, {@code stride / 8}); decode cuts in latent space and blends and keeps in sample space
 *       ({@code min - stride}, {@code stride}). When a stride is not a multiple of the compression the kept parts
 *       do not add up to the full extent, and the result is shorter, as in the reference.</li>
 *   <li>Chunks are {@code tile + 1} frames long; every chunk after the first drops its first output frame before
 *       blending; the first keeps {@code stride + 1} frames, the others {@code stride}.</li>
 * </ul>
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L764">diffusers AutoencoderKLHunyuanVideo._encode</a>
 */
final class Tiler {

    private final VaeTiling t;
    private final int r;
    private final int tr;

    /**
     * @param tiling the tile sizes and strides (sample space) and which tilings are on
     * @param spatialCompression the VAE's {@code spatial_compression_ratio}
     * @param temporalCompression the VAE's {@code temporal_compression_ratio}
     * @throws IllegalArgumentException if a tile or stride spans less than one latent element
     */
    Tiler(VaeTiling tiling, int spatialCompression, int temporalCompression) {
        tiling.requireLatentTiles(spatialCompression, temporalCompression);
        this.t = tiling;
        this.r = spatialCompression;
        this.tr = temporalCompression;
    }

    // ------------------------------------------------------------------------------------------------ decode

    /**
     * diffusers {@code _decode}: frame-wise first, then spatial tiling, else the whole latent.
     *
     * @param z latents [B, C, T', H', W']
     * @param decodeTile {@code post_quant_conv} and the decoder on one tile: [B, C, n, h, w] to
     *     [B, C_out, (n - 1) * 4 + 1, 8 h, 8 w]
     * @return the video, in {@code z}'s manager
     */
    NDArray decode(NDArray z, UnaryOperator<NDArray> decodeTile) {
        Shape s = z.getShape();
        if (t.useFramewiseDecoding() && s.get(2) > t.tileSampleMinNumFrames() / tr) {
            // the reference tests tile.shape of each chunk, whose height and width are z's
            UnaryOperator<NDArray> chunk = decodesSpatially(s) ? c -> spatialDecode(c, decodeTile) : decodeTile;
            return Tiles.temporal(z, decodeFrames(s.get(2)), chunk);
        }
        if (decodesSpatially(s)) {
            return spatialDecode(z, decodeTile);
        }
        return decodeTile.apply(z);
    }

    private boolean decodesSpatially(Shape s) {
        return t.useTiling() && (s.get(4) > t.tileSampleMinWidth() / r || s.get(3) > t.tileSampleMinHeight() / r);
    }

    /** diffusers {@code tiled_decode}: latent tiles, blended and kept in sample space. */
    private NDArray spatialDecode(NDArray z, UnaryOperator<NDArray> decodeTile) {
        Shape s = z.getShape();
        return Tiles.spatial(z, decodeRows(s.get(3)), decodeColumns(s.get(4)), decodeTile);
    }

    /** {@code _temporal_tiled_decode}'s frame axis over {@code numFrames} latent frames. */
    Axis decodeFrames(long numFrames) {
        return new Axis(numFrames, t.tileSampleMinNumFrames() / tr + 1, t.tileSampleStrideNumFrames() / tr,
                t.tileSampleMinNumFrames() - t.tileSampleStrideNumFrames(), t.tileSampleStrideNumFrames(),
                (numFrames - 1) * tr + 1, n -> (n - 1) * tr + 1, true);
    }

    /** {@code tiled_decode}'s row axis over {@code height} latent rows. */
    Axis decodeRows(long height) {
        return decodeSpatial(height, t.tileSampleMinHeight(), t.tileSampleStrideHeight());
    }

    /** {@code tiled_decode}'s column axis over {@code width} latent columns. */
    Axis decodeColumns(long width) {
        return decodeSpatial(width, t.tileSampleMinWidth(), t.tileSampleStrideWidth());
    }

    private Axis decodeSpatial(long size, int tileSampleMin, int tileSampleStride) {
        return new Axis(size, tileSampleMin / r, tileSampleStride / r, tileSampleMin - tileSampleStride,
                tileSampleStride, size * r, n -> n * r, false);
    }

    // ------------------------------------------------------------------------------------------------ encode

    /**
     * diffusers {@code _encode}: frame-wise first, then spatial tiling, else the whole video.
     *
     * @param x video [B, C, T, H, W]
     * @param encodeTile the encoder and {@code quant_conv} on one tile: [B, C, n, h, w] to
     *     [B, 2 L, ceil(n / 4), ceil(h / 8), ceil(w / 8)]
     * @return the moments, in {@code x}'s manager
     */
    NDArray encode(NDArray x, UnaryOperator<NDArray> encodeTile) {
        Shape s = x.getShape();
        if (t.useFramewiseEncoding() && s.get(2) > t.tileSampleMinNumFrames()) {
            // the reference tests x's height and width, which every chunk shares
            UnaryOperator<NDArray> chunk = encodesSpatially(s) ? c -> spatialEncode(c, encodeTile) : encodeTile;
            return Tiles.temporal(x, encodeFrames(s.get(2)), chunk);
        }
        if (encodesSpatially(s)) {
            return spatialEncode(x, encodeTile);
        }
        return encodeTile.apply(x);
    }

    private boolean encodesSpatially(Shape s) {
        return t.useTiling() && (s.get(4) > t.tileSampleMinWidth() || s.get(3) > t.tileSampleMinHeight());
    }

    /** diffusers {@code tiled_encode}: sample tiles, blended and kept in latent space. */
    private NDArray spatialEncode(NDArray x, UnaryOperator<NDArray> encodeTile) {
        Shape s = x.getShape();
        return Tiles.spatial(x, encodeRows(s.get(3)), encodeColumns(s.get(4)), encodeTile);
    }

    /** {@code _temporal_tiled_encode}'s frame axis over {@code numFrames} video frames. */
    Axis encodeFrames(long numFrames) {
        long tileLatentMinNumFrames = t.tileSampleMinNumFrames() / tr;
        long tileLatentStrideNumFrames = t.tileSampleStrideNumFrames() / tr;
        return new Axis(numFrames, t.tileSampleMinNumFrames() + 1, t.tileSampleStrideNumFrames(),
                tileLatentMinNumFrames - tileLatentStrideNumFrames, tileLatentStrideNumFrames,
                (numFrames - 1) / tr + 1, n -> (n - 1) / tr + 1, true);
    }

    /** {@code tiled_encode}'s row axis over {@code height} video rows. */
    Axis encodeRows(long height) {
        return encodeSpatial(height, t.tileSampleMinHeight(), t.tileSampleStrideHeight());
    }

    /** {@code tiled_encode}'s column axis over {@code width} video columns. */
    Axis encodeColumns(long width) {
        return encodeSpatial(width, t.tileSampleMinWidth(), t.tileSampleStrideWidth());
    }

    private Axis encodeSpatial(long size, int tileSampleMin, int tileSampleStride) {
        // ceil(n / r): each of the encoder's stride-2 causal convolutions maps n to ceil(n / 2)
        return new Axis(size, tileSampleMin, tileSampleStride, tileSampleMin / r - tileSampleStride / r,
                tileSampleStride / r, size / r, n -> (n - 1) / r + 1, false);
    }
}
