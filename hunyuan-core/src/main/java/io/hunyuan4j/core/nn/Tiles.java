package io.hunyuan4j.core.nn;

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
 * The tile grid every VAE's tiled encode and decode shares, with the tile network passed in: where tiles are cut,
 * how neighbours are blended ({@link Blend}) and what each keeps. diffusers writes this loop once per VAE
 * ({@code tiled_encode} / {@code tiled_decode} of {@code AutoencoderKL}, {@code AutoencoderKLHunyuanVideo} and
 * {@code AutoencoderKLCogVideoX}, and the HunyuanVideo VAE's {@code _temporal_tiled_encode} /
 * {@code _temporal_tiled_decode}); the loops differ only in their numbers, which each VAE gives as an {@link Axis}
 * (tile sizes in latent or pixel space, strides, blend extents, how much a tile keeps, a final crop).
 *
 * <p>Quirks kept exactly, since they decide the numbers: blend extents are {@code min(a, b, extent)} along the
 * axis, so edge tiles blend over less; blends write into the tile, so a tile is blended against neighbours that
 * were already blended with theirs; on a causal (frame) axis every tile after the first drops its first output
 * element before blending and the first keeps one more.
 *
 * <p>Memory: kept parts are written straight into one preallocated output. Each tile has its own memory scope,
 * freed as soon as no later tile blends against it: the spatial pass holds at most one row of tiles (the row
 * above, shrinking as the current row grows), the temporal pass the previous chunk.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/autoencoders/autoencoder_kl_hunyuan_video.py#L875">diffusers AutoencoderKLHunyuanVideo.tiled_encode</a>
 */
public final class Tiles {

    private Tiles() {}

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
     * @param crop the reference's final slice: the output is at most this long ({@link Long#MAX_VALUE}: none)
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

        /** A spatial axis without a final crop, as {@code tiled_encode} / {@code tiled_decode} concatenate. */
        public static Axis spatial(long size, long tile, long stride, long blend, long keep,
                LongUnaryOperator outLength) {
            return new Axis(size, tile, stride, blend, keep, Long.MAX_VALUE, outLength, false);
        }

        /** The tiles, in order, with where their kept output lands. */
        public List<Span> spans() {
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
        public long outputLength() {
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
    public record Span(long from, long to, boolean dropFirst, long out, long written, long offset) { }

    /**
     * The spatial pass ({@code tiled_encode} / {@code tiled_decode}): tiles row by row; each is blended with the
     * tile above ({@code blend_v}) and to its left ({@code blend_h}), then its kept top-left part is written.
     *
     * @param x the input [B, C, T, H, W]
     * @param rows the tiling of axis 3
     * @param cols the tiling of axis 4
     * @param tileFn the network on one tile, whose result lands in the tile's manager; its output lengths must be
     *     the axes' {@code outLength}
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
     * The spatial pass on images: [B, C, H, W] as the one-frame view [B, C, 1, H, W], tiled by
     * {@link #spatial(NDArray, Axis, Axis, UnaryOperator)}, with {@code tileFn} seeing 4-d tiles.
     */
    public static NDArray spatial2d(NDArray x, Axis rows, Axis cols, UnaryOperator<NDArray> tileFn) {
        NDArray view = x.expandDims(2);
        NDArray out = spatial(view, rows, cols, tile -> tileFn.apply(tile.squeeze(2)).expandDims(2));
        return out.squeeze(2);
    }

    /**
     * The temporal pass ({@code _temporal_tiled_encode} / {@code _temporal_tiled_decode}): chunks of frames;
     * each after the first drops its first output frame and is blended with the previous chunk ({@code blend_t}),
     * then its kept frames are written.
     *
     * @param x the input [B, C, T, H, W]
     * @param frames the tiling of axis 2
     * @param chunkFn the network on one chunk, whose result lands in the chunk's manager
     * @return the kept frames of every chunk, in {@code x}'s manager
     * @throws IllegalStateException if a chunk's output has another length than its axis says
     */
    public static NDArray temporal(NDArray x, Axis frames, UnaryOperator<NDArray> chunkFn) {
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
