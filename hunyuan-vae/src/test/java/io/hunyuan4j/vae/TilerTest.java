package io.hunyuan4j.vae;

import io.hunyuan4j.core.nn.Blend;
import io.hunyuan4j.core.nn.Tiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.GoldenFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Tiler}'s tile placement, blending, dropping and cropping against a line-by-line transcription of the
 * reference's {@code _encode}, {@code _decode}, {@code tiled_encode}, {@code tiled_decode},
 * {@code _temporal_tiled_encode}, {@code _temporal_tiled_decode} and {@code blend_v/h/t}, for many tile sizes,
 * strides and shapes. The networks are stand-ins with the VAE's shape arithmetic (decode: n frames to
 * {@code (n - 1) * 4 + 1}, x8 in space; encode: {@code ceil(n / 4)} frames, {@code ceil(h / 8)} rows) whose
 * output depends on the tile's content and on the position inside the tile, so a tile cut, blended or placed
 * differently from the reference shows.
 */
class TilerTest {

    private static final int R = 8;
    private static final int TR = 4;

    private static NDManager m;

    @BeforeAll
    static void open() {
        m = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        m.close();
    }

    // ---- cases ----

    private static VaeTiling tiling(boolean spatial, boolean framewise, int h, int w, int f, int sh, int sw,
            int sf) {
        return new VaeTiling(spatial, framewise, framewise, h, w, f, sh, sw, sf);
    }

    /** Tile sizes and strides (sample space): dividing or not, stride == tile, tiles larger than the input. */
    private static List<VaeTiling> tilings() {
        return List.of(
                tiling(true, true, 16, 16, 8, 8, 8, 4),
                tiling(true, true, 24, 24, 12, 16, 16, 8),     // the public fixture
                tiling(true, true, 32, 32, 16, 24, 24, 8),     // batch2
                tiling(true, true, 64, 64, 8, 48, 48, 4),      // tiles: spatial tiles larger than the latent
                tiling(true, true, 16, 16, 12, 8, 8, 4),       // batch3
                tiling(true, true, 16, 24, 8, 16, 24, 8),      // stride == tile
                tiling(true, true, 24, 40, 16, 12, 20, 6),     // strides not multiples of the compression
                tiling(true, true, 20, 28, 10, 12, 9, 5),      // tiles not multiples of the compression either
                tiling(true, true, 24, 16, 17, 16, 8, 9),      // 4k+1-frame tiles: a 17-frame video is not split
                tiling(true, true, 256, 256, 16, 192, 192, 12), // enable_tiling() defaults: nothing tiles here
                tiling(true, false, 16, 32, 8, 8, 16, 4),      // spatial only
                tiling(false, true, 16, 16, 4, 8, 8, 4),       // frame-wise only, one-latent-frame tiles
                tiling(false, false, 16, 16, 8, 8, 8, 4));     // neither
    }

    static Stream<Arguments> decodeCases() {
        List<Shape> latents = List.of(new Shape(1, 2, 6, 5, 7), new Shape(2, 3, 5, 3, 5), new Shape(1, 2, 9, 2, 9),
                new Shape(2, 1, 1, 4, 4), new Shape(1, 2, 3, 1, 6), new Shape(1, 1, 7, 6, 1),
                new Shape(1, 2, 4, 3, 4)); // as many latent frames as a 16-frame tile: not split
        return tilings().stream().flatMap(t -> latents.stream().map(s -> Arguments.of(t, s)));
    }

    static Stream<Arguments> encodeCases() {
        List<Shape> videos = List.of(new Shape(1, 2, 17, 24, 40), new Shape(2, 2, 13, 16, 72),
                new Shape(1, 1, 21, 48, 16), new Shape(2, 1, 9, 8, 8), new Shape(1, 2, 33, 40, 24),
                new Shape(1, 1, 1, 32, 24));
        return tilings().stream().flatMap(t -> videos.stream().map(s -> Arguments.of(t, s)));
    }

    @ParameterizedTest
    @MethodSource("decodeCases")
    void decodeMatchesTheReferenceLoops(VaeTiling t, Shape latent) {
        try (NDManager scope = m.newSubManager()) {
            NDArray z = scope.randomNormal(latent);
            NDArray got = new Tiler(t, R, TR).decode(z, TilerTest::fakeDecode);
            NDArray ref = Reference.decode(z, t);
            assertEquals(ref.getShape(), got.getShape(), t + " " + latent);
            assertTrue(GoldenFiles.maxRelErr(got, ref) < 1e-6, t + " " + latent + ": "
                    + GoldenFiles.maxRelErr(got, ref));
        }
    }

    @ParameterizedTest
    @MethodSource("encodeCases")
    void encodeMatchesTheReferenceLoops(VaeTiling t, Shape video) {
        try (NDManager scope = m.newSubManager()) {
            NDArray x = scope.randomUniform(-1, 1, video);
            NDArray got = new Tiler(t, R, TR).encode(x, TilerTest::fakeEncode);
            NDArray ref = Reference.encode(x, t);
            assertEquals(ref.getShape(), got.getShape(), t + " " + video);
            assertTrue(GoldenFiles.maxRelErr(got, ref) < 1e-6, t + " " + video + ": "
                    + GoldenFiles.maxRelErr(got, ref));
        }
    }

    @Test
    void theReferenceQuirksInClosedForm() {
        Tiler t = new Tiler(tiling(true, true, 16, 16, 16, 12, 12, 6), R, TR);
        // encode rows: tiles at 0, 12, 24, 36 of 48 keep 12 / 8 = 1 latent row each: 4 rows, not 48 / 8 = 6
        assertEquals(4, t.encodeRows(48).outputLength());
        // encode frames: chunks of 17 at 0, 6, ..., 30 keep 1 + 1, then 1 latent frame each, the last (3 frames,
        // one latent frame, dropped) none: 6 of the 9 latent frames
        assertEquals(6, t.encodeFrames(33).outputLength());
        // decode rows: latent tiles of 2 with stride 1 keep 12 px each: 5 x 12 = 60 px of 5 x 8 = 40 -> 40
        Tiles.Axis rows = t.decodeRows(5);
        assertEquals(5, rows.spans().size());
        assertEquals(40, rows.outputLength());
        assertEquals(List.of(12L, 12L, 12L, 4L, 0L), rows.spans().stream().map(Tiles.Span::written).toList());
        // decode frames: latent chunks of 4 + 1 with stride 1; the first keeps 6 + 1, the others 6 of their
        // (n - 1) * 4 frames after the drop; the last chunk has one frame, none after the drop
        Tiles.Axis frames = t.decodeFrames(6);
        assertEquals(List.of(7L, 6L, 6L, 2L, 0L, 0L), frames.spans().stream().map(Tiles.Span::written).toList());
        assertEquals(List.of(17L, 16L, 12L, 8L, 4L, 0L), frames.spans().stream().map(Tiles.Span::out).toList());
        assertEquals(21, frames.outputLength());
        // blend extents: decode in sample space, encode in latent space
        assertEquals(4, t.decodeColumns(7).blend());
        assertEquals(1, t.encodeColumns(56).blend());
        assertEquals(10, t.decodeFrames(6).blend());
        assertEquals(4 - 1, t.encodeFrames(33).blend());
    }

    @Test
    void tilesAreFreedAsTheyAreDone() {
        VaeTiling t = tiling(true, true, 16, 16, 8, 8, 8, 4);
        try (NDManager scope = m.newSubManager()) {
            NDArray z = scope.randomNormal(new Shape(2, 2, 6, 5, 7));
            int before = scope.getManagedArrays().size();
            List<Integer> live = new ArrayList<>();
            NDArray out = new Tiler(t, R, TR).decode(z, tile -> {
                live.add(scope.getManagedArrays().size());
                return fakeDecode(tile);
            });
            assertEquals(before + 1, scope.getManagedArrays().size(), "the output only");
            assertEquals(new Shape(2, 2, 21, 40, 56), out.getShape());
            // chunks of 2 + 1 latent frames at 0..4 (the one-frame chunk at 5 is empty after the drop), each in
            // 5 x 7 tiles of 2 x 2 with stride 1; the arrays alive when a tile starts stay within about one row
            // of tiles and the previous chunk, whatever the number of tiles
            assertEquals(5 * 5 * 7, live.size());
            List<Integer> chunkMax = new ArrayList<>();
            for (int c = 0; c < 5; c++) {
                chunkMax.add(live.subList(c * 35, c * 35 + 35).stream().max(Integer::compare).orElseThrow());
            }
            assertTrue(chunkMax.get(4) < 5 * 7, "live arrays " + live);
            // from the third chunk on (a previous chunk held, none older) the count no longer grows
            assertEquals(chunkMax.get(2), chunkMax.get(4), "live arrays " + live);
            assertEquals(chunkMax.get(2), chunkMax.get(3), "live arrays " + live);
        }
    }

    // ---- stand-in networks ----

    /** [B, C, n, h, w] to [B, C, (n - 1) * 4 + 1, 8 h, 8 w]: causal nearest upsampling plus tile statistics. */
    static NDArray fakeDecode(NDArray z) {
        Shape s = z.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long n = s.get(2);
        long h = s.get(3);
        long w = s.get(4);
        NDArray up = z.reshape(b, c, n, h, 1, w, 1).broadcast(new Shape(b, c, n, h, R, w, R))
                .reshape(b, c, n, h * R, w * R);
        NDArray out = up.get(":, :, :1");
        if (n > 1) {
            NDArray rest = up.get(":, :, 1:").reshape(b, c, n - 1, 1, h * R, w * R)
                    .broadcast(new Shape(b, c, n - 1, TR, h * R, w * R)).reshape(b, c, (n - 1) * TR, h * R, w * R);
            out = NDArrays.concat(new NDList(out, rest), 2);
        }
        return withTileStatistics(out, z);
    }

    /** [B, C, n, h, w] to [B, C, ceil(n / 4), ceil(h / 8), ceil(w / 8)]: strided sampling plus tile statistics. */
    static NDArray fakeEncode(NDArray x) {
        return withTileStatistics(x.get(new NDIndex(":, :, ::{}, ::{}, ::{}", TR, R, R)), x);
    }

    /** Adds the input's mean and std (like a norm's statistics) and ramps over the position inside the tile. */
    private static NDArray withTileStatistics(NDArray y, NDArray input) {
        Shape s = y.getShape();
        NDManager mm = y.getManager();
        NDArray ramps = mm.arange(0f, s.get(2), 1f).mul(0.5f).reshape(1, 1, s.get(2), 1, 1)
                .add(mm.arange(0f, s.get(3), 1f).mul(0.25f).reshape(1, 1, 1, s.get(3), 1))
                .add(mm.arange(0f, s.get(4), 1f).mul(0.125f).reshape(1, 1, 1, 1, s.get(4)));
        float mean = input.mean().getFloat();
        float spread = input.sub(mean).square().mean().getFloat();
        return y.mul(1 + spread).add(mean).add(ramps);
    }

    // ---- the reference, transcribed (lists of tiles, in-place blends as replacements, concat, crop) ----

    private static final class Reference {

        static NDArray decode(NDArray z, VaeTiling t) {
            Shape s = z.getShape();
            if (t.useFramewiseDecoding() && s.get(2) > t.tileSampleMinNumFrames() / TR) {
                return temporalTiledDecode(z, t);
            }
            if (t.useTiling() && (s.get(4) > t.tileSampleMinWidth() / R || s.get(3) > t.tileSampleMinHeight() / R)) {
                return tiledDecode(z, t);
            }
            return fakeDecode(z);
        }

        static NDArray encode(NDArray x, VaeTiling t) {
            Shape s = x.getShape();
            if (t.useFramewiseEncoding() && s.get(2) > t.tileSampleMinNumFrames()) {
                return temporalTiledEncode(x, t);
            }
            if (t.useTiling() && (s.get(4) > t.tileSampleMinWidth() || s.get(3) > t.tileSampleMinHeight())) {
                return tiledEncode(x, t);
            }
            return fakeEncode(x);
        }

        private static NDArray blend(NDArray a, NDArray b, int axis, long blendExtent) {
            long e = Math.min(Math.min(a.getShape().get(axis), b.getShape().get(axis)), blendExtent);
            NDArray out = b.duplicate();
            long aLen = a.getShape().get(axis);
            for (long y = 0; y < e; y++) {
                NDArray v = a.get(Blend.slice(axis, aLen - e + y, aLen - e + y + 1))
                        .mul((float) (1 - (double) y / e))
                        .add(b.get(Blend.slice(axis, y, y + 1)).mul((float) ((double) y / e)));
                out.set(Blend.slice(axis, y, y + 1), v);
            }
            return out;
        }

        private static NDArray tile(NDArray x, long i, long tileH, long j, long tileW) {
            long height = x.getShape().get(3);
            long width = x.getShape().get(4);
            return x.get(new NDIndex(":, :, :, {}:{}, {}:{}", i, Math.min(height, i + tileH), j,
                    Math.min(width, j + tileW)));
        }

        /** rows of tiles blended (in place), each cut to its top-left [keepH, keepW], concatenated, cropped. */
        private static NDArray blendAndJoin(List<List<NDArray>> rows, long blendH, long blendW, long keepH,
                long keepW, long outH, long outW) {
            NDList resultRows = new NDList();
            for (int i = 0; i < rows.size(); i++) {
                NDList resultRow = new NDList();
                for (int j = 0; j < rows.get(i).size(); j++) {
                    NDArray tile = rows.get(i).get(j);
                    if (i > 0) {
                        tile = blend(rows.get(i - 1).get(j), tile, 3, blendH);
                    }
                    if (j > 0) {
                        tile = blend(rows.get(i).get(j - 1), tile, 4, blendW);
                    }
                    rows.get(i).set(j, tile); // in place in the reference
                    resultRow.add(tile.get(new NDIndex(":, :, :, :{}, :{}", keepH, keepW)));
                }
                resultRows.add(NDArrays.concat(resultRow, 4));
            }
            return NDArrays.concat(resultRows, 3).get(new NDIndex(":, :, :, :{}, :{}", outH, outW));
        }

        static NDArray tiledEncode(NDArray x, VaeTiling t) {
            long height = x.getShape().get(3);
            long width = x.getShape().get(4);
            long tileLatentMinHeight = t.tileSampleMinHeight() / R;
            long tileLatentMinWidth = t.tileSampleMinWidth() / R;
            long tileLatentStrideHeight = t.tileSampleStrideHeight() / R;
            long tileLatentStrideWidth = t.tileSampleStrideWidth() / R;
            List<List<NDArray>> rows = new ArrayList<>();
            for (long i = 0; i < height; i += t.tileSampleStrideHeight()) {
                List<NDArray> row = new ArrayList<>();
                for (long j = 0; j < width; j += t.tileSampleStrideWidth()) {
                    row.add(fakeEncode(tile(x, i, t.tileSampleMinHeight(), j, t.tileSampleMinWidth())));
                }
                rows.add(row);
            }
            return blendAndJoin(rows, tileLatentMinHeight - tileLatentStrideHeight,
                    tileLatentMinWidth - tileLatentStrideWidth, tileLatentStrideHeight, tileLatentStrideWidth,
                    height / R, width / R);
        }

        static NDArray tiledDecode(NDArray z, VaeTiling t) {
            long height = z.getShape().get(3);
            long width = z.getShape().get(4);
            long tileLatentMinHeight = t.tileSampleMinHeight() / R;
            long tileLatentMinWidth = t.tileSampleMinWidth() / R;
            long tileLatentStrideHeight = t.tileSampleStrideHeight() / R;
            long tileLatentStrideWidth = t.tileSampleStrideWidth() / R;
            List<List<NDArray>> rows = new ArrayList<>();
            for (long i = 0; i < height; i += tileLatentStrideHeight) {
                List<NDArray> row = new ArrayList<>();
                for (long j = 0; j < width; j += tileLatentStrideWidth) {
                    row.add(fakeDecode(tile(z, i, tileLatentMinHeight, j, tileLatentMinWidth)));
                }
                rows.add(row);
            }
            return blendAndJoin(rows, t.tileSampleMinHeight() - t.tileSampleStrideHeight(),
                    t.tileSampleMinWidth() - t.tileSampleStrideWidth(), t.tileSampleStrideHeight(),
                    t.tileSampleStrideWidth(), height * R, width * R);
        }

        /** the temporal loops of both: chunks, the drop, blend_t, keep, concat, crop. */
        private static NDArray temporal(NDArray x, long tile, long stride, UnaryOperator<NDArray> chunkFn,
                long blendNumFrames, long keep, long crop) {
            long numFrames = x.getShape().get(2);
            List<NDArray> row = new ArrayList<>();
            for (long i = 0; i < numFrames; i += stride) {
                NDArray chunk = chunkFn.apply(x.get(new NDIndex(":, :, {}:{}", i, Math.min(numFrames, i + tile))));
                if (i > 0) {
                    chunk = chunk.get(":, :, 1:");
                }
                row.add(chunk);
            }
            NDList resultRow = new NDList();
            for (int i = 0; i < row.size(); i++) {
                NDArray chunk = row.get(i);
                if (i > 0) {
                    chunk = blend(row.get(i - 1), chunk, 2, blendNumFrames);
                    row.set(i, chunk);
                    resultRow.add(chunk.get(new NDIndex(":, :, :{}", keep)));
                } else {
                    resultRow.add(chunk.get(new NDIndex(":, :, :{}", keep + 1)));
                }
            }
            // torch.cat skips nothing: an empty chunk contributes zero frames (DJL cannot concat size-0 arrays)
            resultRow.removeIf(a -> a.getShape().get(2) == 0);
            return NDArrays.concat(resultRow, 2).get(new NDIndex(":, :, :{}", crop));
        }

        static NDArray temporalTiledEncode(NDArray x, VaeTiling t) {
            Shape s = x.getShape();
            boolean spatial = t.useTiling()
                    && (s.get(3) > t.tileSampleMinHeight() || s.get(4) > t.tileSampleMinWidth());
            long tileLatentMinNumFrames = t.tileSampleMinNumFrames() / TR;
            long tileLatentStrideNumFrames = t.tileSampleStrideNumFrames() / TR;
            return temporal(x, t.tileSampleMinNumFrames() + 1, t.tileSampleStrideNumFrames(),
                    c -> spatial ? tiledEncode(c, t) : fakeEncode(c), tileLatentMinNumFrames
                            - tileLatentStrideNumFrames, tileLatentStrideNumFrames, (s.get(2) - 1) / TR + 1);
        }

        static NDArray temporalTiledDecode(NDArray z, VaeTiling t) {
            Shape s = z.getShape();
            boolean spatial = t.useTiling()
                    && (s.get(4) > t.tileSampleMinWidth() / R || s.get(3) > t.tileSampleMinHeight() / R);
            return temporal(z, t.tileSampleMinNumFrames() / TR + 1, t.tileSampleStrideNumFrames() / TR,
                    c -> spatial ? tiledDecode(c, t) : fakeDecode(c),
                    t.tileSampleMinNumFrames() - t.tileSampleStrideNumFrames(), t.tileSampleStrideNumFrames(),
                    (s.get(2) - 1) * TR + 1);
        }
    }

    /** The stand-ins keep float32, like the VAE's activations under every compute dtype. */
    @Test
    void standInsHaveTheVaeShapeArithmetic() {
        try (NDManager scope = m.newSubManager()) {
            assertEquals(new Shape(2, 3, 9, 24, 40), fakeDecode(scope.randomNormal(new Shape(2, 3, 3, 3, 5)))
                    .getShape());
            NDArray e = fakeEncode(scope.randomNormal(new Shape(1, 2, 7, 20, 9)));
            assertEquals(new Shape(1, 2, 2, 3, 2), e.getShape());
            assertEquals(DataType.FLOAT32, e.getDataType());
        }
    }
}
