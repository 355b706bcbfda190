package io.hunyuan4j.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tiled encode and spatial-only tiled decode (which the fixture does not cover) against a line-by-line
 * transcription of the reference's Python loops, with its in-place blends, built on untiled calls.
 */
class TiledReferenceTest {

    private static GoldenFixture fx;
    private static NDManager m;
    private static AutoencoderKLHunyuanVideo vae;

    @BeforeAll
    static void open() {
        fx = GoldenFixture.open(GoldenCheck.fixturesDir().resolve("vae"));
        m = NDManager.newBaseManager();
        vae = AutoencoderKLHunyuanVideo.fromWeights(VaeConfig.fromJson(fx.config()), fx.weights(),
                ComponentOptions.defaults(), VaeTiling.none());
    }

    @AfterAll
    static void close() {
        vae.close();
        m.close();
        fx.close();
    }

    @Test
    void temporalAndSpatialTiledEncodeMatchTheReferenceLoops() {
        VaeTiling t = VaeTiling.enableTiling().withTiles(new VaeTiling.Extent(16, 16, 8),
                new VaeTiling.Extent(8, 8, 4));
        NDArray video = m.randomUniform(-1, 1, new Shape(1, 3, 21, 24, 40));
        NDArray got = vae.encode(video, t).parameters();
        NDArray ref = temporalTiledEncode(video, t);
        assertEquals(new Shape(1, 8, 6, 3, 5), got.getShape());
        assertEquals(ref.getShape(), got.getShape());
        assertTrue(GoldenCheck.maxRelErr(got, ref) < 1e-5, "tiled encode differs: " + GoldenCheck.maxRelErr(got, ref));
        // and tiling changed the result (GroupNorm statistics differ per tile)
        assertTrue(GoldenCheck.maxRelErr(vae.encode(video, VaeTiling.none()).parameters(), got) > 1e-3);
    }

    @Test
    void spatialOnlyTiledDecodeMatchesTheReferenceLoop() {
        VaeTiling t = VaeTiling.enableTiling().withFramewise(false).withTiles(new VaeTiling.Extent(24, 32, 16),
                new VaeTiling.Extent(16, 16, 12));
        NDArray z = m.randomNormal(new Shape(1, 4, 2, 5, 7));
        NDArray got = vae.decode(z, t);
        NDArray ref = tiledDecode(z, t);
        assertEquals(new Shape(1, 3, 5, 40, 56), got.getShape());
        assertTrue(GoldenCheck.maxRelErr(got, ref) < 1e-5, "tiled decode differs: " + GoldenCheck.maxRelErr(got, ref));
    }

    // ---- the reference, transcribed ----

    private static NDArray blend(NDArray a, NDArray b, int axis, long blendExtent) {
        long e = Math.min(Math.min(a.getShape().get(axis), b.getShape().get(axis)), blendExtent);
        NDArray out = b.duplicate();
        long aLen = a.getShape().get(axis);
        for (long y = 0; y < e; y++) {
            NDArray v = a.get(Blend.slice(axis, aLen - e + y, aLen - e + y + 1)).mul((float) (1 - (double) y / e))
                    .add(b.get(Blend.slice(axis, y, y + 1)).mul((float) ((double) y / e)));
            out.set(Blend.slice(axis, y, y + 1), v);
        }
        return out;
    }

    private static NDArray encodeTile(NDArray x) {
        return vae.encode(x, VaeTiling.none()).parameters();
    }

    private static NDArray tiledEncode(NDArray x, VaeTiling t) {
        long height = x.getShape().get(3);
        long width = x.getShape().get(4);
        long tileLatentMinHeight = t.tileSampleMinHeight() / 8;
        long tileLatentMinWidth = t.tileSampleMinWidth() / 8;
        long tileLatentStrideHeight = t.tileSampleStrideHeight() / 8;
        long tileLatentStrideWidth = t.tileSampleStrideWidth() / 8;
        long blendHeight = tileLatentMinHeight - tileLatentStrideHeight;
        long blendWidth = tileLatentMinWidth - tileLatentStrideWidth;
        List<List<NDArray>> rows = new ArrayList<>();
        for (long i = 0; i < height; i += t.tileSampleStrideHeight()) {
            List<NDArray> row = new ArrayList<>();
            for (long j = 0; j < width; j += t.tileSampleStrideWidth()) {
                row.add(encodeTile(x.get(new NDIndex(":, :, :, {}:{}, {}:{}", i,
                        Math.min(height, i + t.tileSampleMinHeight()), j, Math.min(width, j + t.tileSampleMinWidth())))));
            }
            rows.add(row);
        }
        NDList resultRows = new NDList();
        for (int i = 0; i < rows.size(); i++) {
            NDList resultRow = new NDList();
            for (int j = 0; j < rows.get(i).size(); j++) {
                NDArray tile = rows.get(i).get(j);
                if (i > 0) {
                    tile = blend(rows.get(i - 1).get(j), tile, 3, blendHeight);
                }
                if (j > 0) {
                    tile = blend(rows.get(i).get(j - 1), tile, 4, blendWidth);
                }
                rows.get(i).set(j, tile); // in place in the reference
                resultRow.add(tile.get(new NDIndex(":, :, :, :{}, :{}", tileLatentStrideHeight, tileLatentStrideWidth)));
            }
            resultRows.add(NDArrays.concat(resultRow, 4));
        }
        return NDArrays.concat(resultRows, 3).get(new NDIndex(":, :, :, :{}, :{}", height / 8, width / 8));
    }

    private static NDArray temporalTiledEncode(NDArray x, VaeTiling t) {
        long numFrames = x.getShape().get(2);
        long latentNumFrames = (numFrames - 1) / 4 + 1;
        long tileLatentMinNumFrames = t.tileSampleMinNumFrames() / 4;
        long tileLatentStrideNumFrames = t.tileSampleStrideNumFrames() / 4;
        long blendNumFrames = tileLatentMinNumFrames - tileLatentStrideNumFrames;
        List<NDArray> row = new ArrayList<>();
        for (long i = 0; i < numFrames; i += t.tileSampleStrideNumFrames()) {
            NDArray tile = x.get(new NDIndex(":, :, {}:{}", i, Math.min(numFrames, i + t.tileSampleMinNumFrames() + 1)));
            tile = tiledEncode(tile, t); // use_tiling and the frame is larger than a tile
            if (i > 0) {
                tile = tile.get(":, :, 1:");
            }
            row.add(tile);
        }
        NDList resultRow = new NDList();
        for (int i = 0; i < row.size(); i++) {
            NDArray tile = row.get(i);
            if (i > 0) {
                tile = blend(row.get(i - 1), tile, 2, blendNumFrames);
                row.set(i, tile);
                resultRow.add(tile.get(new NDIndex(":, :, :{}", tileLatentStrideNumFrames)));
            } else {
                resultRow.add(tile.get(new NDIndex(":, :, :{}", tileLatentStrideNumFrames + 1)));
            }
        }
        return NDArrays.concat(resultRow, 2).get(new NDIndex(":, :, :{}", latentNumFrames));
    }

    private static NDArray tiledDecode(NDArray z, VaeTiling t) {
        long height = z.getShape().get(3);
        long width = z.getShape().get(4);
        long tileLatentMinHeight = t.tileSampleMinHeight() / 8;
        long tileLatentMinWidth = t.tileSampleMinWidth() / 8;
        long tileLatentStrideHeight = t.tileSampleStrideHeight() / 8;
        long tileLatentStrideWidth = t.tileSampleStrideWidth() / 8;
        long blendHeight = t.tileSampleMinHeight() - t.tileSampleStrideHeight();
        long blendWidth = t.tileSampleMinWidth() - t.tileSampleStrideWidth();
        List<List<NDArray>> rows = new ArrayList<>();
        for (long i = 0; i < height; i += tileLatentStrideHeight) {
            List<NDArray> row = new ArrayList<>();
            for (long j = 0; j < width; j += tileLatentStrideWidth) {
                row.add(vae.decode(z.get(new NDIndex(":, :, :, {}:{}, {}:{}", i, Math.min(height, i + tileLatentMinHeight),
                        j, Math.min(width, j + tileLatentMinWidth))), VaeTiling.none()));
            }
            rows.add(row);
        }
        NDList resultRows = new NDList();
        for (int i = 0; i < rows.size(); i++) {
            NDList resultRow = new NDList();
            for (int j = 0; j < rows.get(i).size(); j++) {
                NDArray tile = rows.get(i).get(j);
                if (i > 0) {
                    tile = blend(rows.get(i - 1).get(j), tile, 3, blendHeight);
                }
                if (j > 0) {
                    tile = blend(rows.get(i).get(j - 1), tile, 4, blendWidth);
                }
                rows.get(i).set(j, tile);
                resultRow.add(tile.get(new NDIndex(":, :, :, :{}, :{}", t.tileSampleStrideHeight(),
                        t.tileSampleStrideWidth())));
            }
            resultRows.add(NDArrays.concat(resultRow, -1));
        }
        return NDArrays.concat(resultRows, 3).get(new NDIndex(":, :, :, :{}, :{}", height * 8, width * 8));
    }
}
