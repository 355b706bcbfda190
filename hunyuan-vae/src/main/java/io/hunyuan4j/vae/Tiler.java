package io.hunyuan4j.vae;

import io.hunyuan4j.core.nn.Blend;
import io.hunyuan4j.core.nn.Scoped;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongUnaryOperator;
import java.util.function.UnaryOperator;

/**
 * The reference's tiled encode and decode, with the tile network passed in: where tiles are cut, which mode
 * runs ({@code _encode} / {@code _decode}), how neighbours are blended and what is kept and cropped
 * ({@code tiled_encode}, {@code tiled_decode}, {@code _temporal_tiled_encode}, {@code _temporal_tiled_decode}).
 * Encode and decode share one spatial and one temporal pass; they differ only in their {@link Axis} numbers.
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
 *   <li>Blend extents are {@code min(a, b, extent)} along the axis, so edge tiles blend over less; blends write
 *       into the tile, so a tile is blended against neighbours that were already blended with theirs.</li>
 *   <li>Chunks are {@code tile + 1} frames long; every chunk after the first drops its first output frame before
 *       blending; the first keeps {@code stride + 1} frames, the others {@code stride}.</li>
 * </ul>
 *
 * <p>Memory: kept parts are written straight into one preallocated output. Each tile has its own memory scope,
 * freed as soon as no later tile blends against it: the spatial pass holds at most one row of tiles (the row
 * above, shrinking as the current row grows), the temporal pass the previous chunk.
 *
 * <p>The spatial pass ({@link #spatial}) and its {@link Axis} are public: the 2D {@code AutoencoderKL}
 * ({@code io.hunyuan4j.vae.kl}) runs its {@code tiled_encode} / {@code tiled_decode}, which cut, blend and keep
 * the same way with other axis numbers, through it on a one-frame view.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L764">diffusers AutoencoderKLHunyuanVideo._encode</a>
 */
public final class Tiler {

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
            return temporal(z, decodeFrames(s.get(2)), chunk);
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
        return spatial(z, decodeRows(s.get(3)), decodeColumns(s.get(4)), decodeTile);
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
            return temporal(x, encodeFrames(s.get(2)), chunk);
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
        return spatial(x, encodeRows(s.get(3)), encodeColumns(s.get(4)), encodeTile);
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

    // ------------------------------------------------------------------------------------------------ geometry

    /**
     * One axis of a tiling pass in the reference's terms: input tiles {@code [i, i + tile)} for
     * {@code i = 0, stride, 2 stride, ... < size}, clipped to the input; {@code blend} and {@code keep} count
     * output elements.
     *
     * @param size the input's length
     * @param tile input elements per tile
     * @param stride input elements between tile starts
     * @param blend the seam's {@code blend_extent} (output elements, before clamping to the tiles)
     * @param keep output elements kept per tile (the first tile of a causal axis keeps one more)
     * @param crop the reference's final slice: the output is at most this long
     * @param outLength a tile's output length for its input length (before any frame is dropped)
     * @param causal the frame axis: every tile after the first drops its first output element
     */
    public record Axis(long size, long tile, long stride, long blend, long keep, long crop, LongUnaryOperator outLength,
            boolean causal) {

        /** Validates: size, tile and stride at least 1, blend and keep at least 0. */
        public Axis {
            if (size < 1 || tile < 1 || stride < 1 || blend < 0 || keep < 0) {
                throw new IllegalArgumentException("tile axis: size " + size + ", tile " + tile + ", stride "
                        + stride + ", blend " + blend + ", keep " + keep);
            }
        }

        /** The tiles, in order, with where their kept output lands. */
        List<Span> spans() {
            List<Span> spans = new ArrayList<>();
            long offset = 0;
            for (long i = 0; i < size; i += stride) {
                long to = Math.min(size, i + tile);
                boolean drop = causal && i > 0;
                long out = outLength.applyAsLong(to - i) - (drop ? 1 : 0);
                long kept = Math.min(out, causal && i == 0 ? keep + 1 : keep);
                spans.add(new Span(i, to, drop, out, Math.max(0, Math.min(kept, crop - offset)), offset));
                offset += kept;
            }
            return spans;
        }

        /** The output's length: the kept parts concatenated, then cropped. */
        long outputLength() {
            return spans().stream().mapToLong(Span::written).sum();
        }
    }

    /**
     * One tile of an {@link Axis}.
     *
     * @param from first input element
     * @param to input end (exclusive)
     * @param dropFirst whether its first output element is dropped (causal axis, not the first tile)
     * @param out its output length after the drop
     * @param written how many of its first output elements land in the result (kept, then cropped)
     * @param offset where they land
     */
    record Span(long from, long to, boolean dropFirst, long out, long written, long offset) { }

    // ------------------------------------------------------------------------------------------------ passes

    /**
     * The spatial pass ({@code tiled_encode} / {@code tiled_decode}): tiles row by row; each is blended with the
     * tile above ({@code blend_v}) and to its left ({@code blend_h}), then its kept top-left part is written.
     *
     * @param x the input [B, C, T, H, W]
     * @param rows the tiling of axis 3
     * @param cols the tiling of axis 4
     * @param tileFn the network on one tile; its output lengths must be the axes' {@code outLength}
     * @return the kept parts of every tile, in {@code x}'s manager
     * @throws IllegalStateException if a tile's output has another length than its axis says
     */
    public static NDArray spatial(NDArray x, Axis rows, Axis cols, UnaryOperator<NDArray> tileFn) {
        List<Span> rs = rows.spans();
        List<Span> cs = cols.spans();
        long outRows = rows.outputLength();
        long outCols = cols.outputLength();
        NDArray out = null;
        List<Tile> above = List.of();
        try (NDManager work = NDManager.subManagerOf(x)) {
            for (Span row : rs) {
                List<Tile> current = new ArrayList<>(cs.size());
                for (Span col : cs) {
                    NDManager scope = work.newSubManager();
                    NDArray slice = x.get(new NDIndex(":, :, :, {}:{}, {}:{}", row.from(), row.to(), col.from(),
                            col.to()));
                    slice.attach(scope);
                    NDArray tile = Scoped.consume(slice, tileFn);
                    requireLength(tile, Blend.V, rows, row);
                    requireLength(tile, Blend.H, cols, col);
                    // blend the above tile and the left tile to the current tile
                    if (!above.isEmpty()) {
                        Tile up = above.get(current.size());
                        Blend.blend(up.array(), tile, Blend.V, rows.blend());
                        up.scope().close(); // nothing below it is left to blend against it
                    }
                    if (!current.isEmpty()) {
                        Blend.blend(current.get(current.size() - 1).array(), tile, Blend.H, cols.blend());
                    }
                    current.add(new Tile(tile, scope));
                    if (out == null) {
                        out = x.getManager().zeros(new Shape(tile.getShape().get(0), tile.getShape().get(1),
                                tile.getShape().get(2), outRows, outCols), tile.getDataType());
                    }
                    if (row.written() > 0 && col.written() > 0) {
                        out.set(new NDIndex(":, :, :, {}:{}, {}:{}", row.offset(), row.offset() + row.written(),
                                col.offset(), col.offset() + col.written()),
                                tile.get(new NDIndex(":, :, :, :{}, :{}", row.written(), col.written())));
                    }
                }
                above = current;
            }
        }
        return Objects.requireNonNull(out, "no tile"); // every axis has at least one span
    }

    /**
     * The temporal pass ({@code _temporal_tiled_encode} / {@code _temporal_tiled_decode}): chunks of frames;
     * each after the first drops its first output frame and is blended with the previous chunk ({@code blend_t}),
     * then its kept frames are written.
     */
    private static NDArray temporal(NDArray x, Axis frames, UnaryOperator<NDArray> chunkFn) {
        long outFrames = frames.outputLength();
        NDArray out = null;
        Tile previous = null;
        try (NDManager work = NDManager.subManagerOf(x)) {
            for (Span span : frames.spans()) {
                if (span.out() == 0) {
                    // a chunk too short to survive the drop: nothing to write or blend, and every later chunk is
                    // shorter still
                    break;
                }
                NDManager scope = work.newSubManager();
                NDArray chunk = x.get(new NDIndex(":, :, {}:{}", span.from(), span.to()));
                chunk.attach(scope);
                NDArray tile = Scoped.consume(chunk, chunkFn);
                requireLength(tile, Blend.T, frames, span);
                if (span.dropFirst()) {
                    tile = tile.get(new NDIndex(":, :, 1:"));
                }
                if (previous != null) {
                    Blend.blend(previous.array(), tile, Blend.T, frames.blend());
                    previous.scope().close();
                }
                previous = new Tile(tile, scope);
                if (out == null) {
                    Shape s = tile.getShape();
                    out = x.getManager().zeros(new Shape(s.get(0), s.get(1), outFrames, s.get(3), s.get(4)),
                            tile.getDataType());
                }
                if (span.written() > 0) {
                    out.set(new NDIndex(":, :, {}:{}", span.offset(), span.offset() + span.written()),
                            tile.get(new NDIndex(":, :, :{}", span.written())));
                }
            }
        }
        return Objects.requireNonNull(out, "no tile"); // every axis has at least one span
    }

    /** A blended tile and the scope that frees it. */
    private record Tile(NDArray array, NDManager scope) { }

    private static void requireLength(NDArray tile, int axis, Axis a, Span span) {
        long expected = a.outLength().applyAsLong(span.to() - span.from());
        if (tile.getShape().get(axis) != expected) {
            throw new IllegalStateException("tile [" + span.from() + ", " + span.to() + ") gave shape "
                    + tile.getShape() + ": expected " + expected + " along axis " + axis);
        }
    }
}
