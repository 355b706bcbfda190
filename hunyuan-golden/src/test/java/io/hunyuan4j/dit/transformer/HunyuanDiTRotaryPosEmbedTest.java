package io.hunyuan4j.dit.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.dit.pipeline.HunyuanDiTPipeline;
import io.hunyuan4j.dit.pipeline.HunyuanDiTRequest;
import io.hunyuan4j.dit.pipeline.ResolutionBinning;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import org.junit.jupiter.api.Test;

/**
 * The 2D RoPE table and crop region against the public fixture's tables and hand-computed regions (Python's
 * half-to-even rounding), and the pipeline's size resolution (flooring, binning).
 */
class HunyuanDiTRotaryPosEmbedTest {

    @Test
    void tableMatchesTheFixture() {
        try (GoldenFixture fx = GoldenFixture.open(HunyuanDiTOffloadTest.fixture("hunyuandit_transformer"));
                NDManager m = NDManager.newBaseManager()) {
            assertEquals(new HunyuanDiTRotaryPosEmbed.CropRegion(0, 4, 32, 28),
                    HunyuanDiTRotaryPosEmbed.resizeCropRegionForGrid(4, 3, 32));
            RotaryEmbedding rope = HunyuanDiTRotaryPosEmbed.forGrid(m, 16, 4, 3, 2);
            assertTrue(GoldenCheck.maxRelErr(rope.cos(), fx.input("image_rotary_emb.cos", m)) <= 1e-6);
            assertTrue(GoldenCheck.maxRelErr(rope.sin(), fx.input("image_rotary_emb.sin", m)) <= 1e-6);
            assertEquals(new Shape(12, 16), rope.cos().getShape());
        }
    }

    @Test
    void cropRegions() {
        // 64x64 grid (1024 px): the whole base square
        assertEquals(new HunyuanDiTRotaryPosEmbed.CropRegion(0, 0, 32, 32),
                HunyuanDiTRotaryPosEmbed.resizeCropRegionForGrid(64, 64, 32));
        // 48x64 (768x1024): width 32, height round(32/64*48) = 24, top round(4.0) = 4
        assertEquals(new HunyuanDiTRotaryPosEmbed.CropRegion(4, 0, 28, 32),
                HunyuanDiTRotaryPosEmbed.resizeCropRegionForGrid(48, 64, 32));
        // 3x5 on 32: height round(19.2) = 19, top round(6.5) = 6 (half to even), not 7
        assertEquals(new HunyuanDiTRotaryPosEmbed.CropRegion(6, 0, 25, 32),
                HunyuanDiTRotaryPosEmbed.resizeCropRegionForGrid(3, 5, 32));
        assertThrows(IllegalArgumentException.class, () -> HunyuanDiTRotaryPosEmbed.resizeCropRegionForGrid(0, 5,
                32));
    }

    @Test
    void linspaceIsTorchs() {
        // torch.linspace(0, 24, 3) with the end-based second half
        assertArrayEquals(new float[] {0f, 12f, 24f}, HunyuanDiTRotaryPosEmbed.linspace(0f, 24f, 3));
        assertArrayEquals(new float[] {5f}, HunyuanDiTRotaryPosEmbed.linspace(5f, 9f, 1));
    }

    @Test
    void sizeResolution() {
        HunyuanDiTRequest r = HunyuanDiTRequest.defaults();
        assertEquals(new ResolutionBinning.Size(1024, 1024), HunyuanDiTPipeline.resolvedSize(r));
        // floored to 16, then binned: 1000x700 (h x w) -> ratio 0.7 -> 3:4, area closest to 700000 -> 768x1024
        assertEquals(new ResolutionBinning.Size(768, 1024), HunyuanDiTPipeline.resolvedSize(r.withSize(1000, 700)));
        assertEquals(new ResolutionBinning.Size(688, 992),
                HunyuanDiTPipeline.resolvedSize(r.withSize(1000, 700).withResolutionBinning(false)));
        assertEquals(new ResolutionBinning.Size(1280, 768), ResolutionBinning.mapToStandardShapes(1900, 1000));
        assertTrue(ResolutionBinning.supported(1152, 864));
    }
}
