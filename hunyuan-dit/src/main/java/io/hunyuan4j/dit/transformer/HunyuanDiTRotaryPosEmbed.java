package io.hunyuan4j.dit.transformer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.transformer.RotaryEmbedding;

/**
 * HunyuanDiT's 2D RoPE table as its pipeline builds it: diffusers {@code get_2d_rotary_pos_embed(head_dim, crops,
 * (grid_h, grid_w), use_real=True, output_type="pt")} with the crop region of
 * {@code get_resize_crop_region_for_grid((grid_h, grid_w), base_size)}, {@code base_size = 512 // 8 // patch_size}.
 *
 * <p>The positions are the fractional float32 {@code linspace} coordinates of the crop region on the base grid
 * (endpoint excluded); the first {@code head_dim/2} channels rotate with the column (w) coordinate, the last
 * {@code head_dim/2} with the row (h) coordinate; inside each half {@code freqs = 1/10000^(arange(0, d, 2)/d)},
 * {@code d = head_dim/2}, each frequency repeated twice (adjacent pairs). Tokens are row-major over the grid.
 * Computed on the host in float32, as the reference does.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/embeddings.py">diffusers get_2d_rotary_pos_embed</a>
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/hunyuandit/pipeline_hunyuandit.py">diffusers get_resize_crop_region_for_grid</a>
 */
public final class HunyuanDiTRotaryPosEmbed {

    /** {@code get_1d_rotary_pos_embed}'s default theta. */
    static final double THETA = 10000.0;
    /** The pipeline's {@code 512 // 8}: the base resolution in latents, before the patch division. */
    public static final int BASE_LATENT_SIZE = 512 / 8;

    private HunyuanDiTRotaryPosEmbed() {}

    /**
     * The crop region {@code ((top, left), (bottom, right))} on a {@code base x base} grid.
     *
     * @param top first row
     * @param left first column
     * @param bottom row end (exclusive)
     * @param right column end (exclusive)
     */
    public record CropRegion(int top, int left, int bottom, int right) { }

    /**
     * {@code get_resize_crop_region_for_grid((gridH, gridW), baseSize)}: the grid resized to fit the base square on
     * its long side, centred. Python's {@code round} (half to even) is {@link Math#rint}.
     */
    public static CropRegion resizeCropRegionForGrid(int gridH, int gridW, int baseSize) {
        if (gridH <= 0 || gridW <= 0 || baseSize <= 0) {
            throw new IllegalArgumentException("grid " + gridH + "x" + gridW + " and base size " + baseSize
                    + " must be positive");
        }
        double r = (double) gridH / gridW;
        int resizeHeight;
        int resizeWidth;
        if (r > 1) {
            resizeHeight = baseSize;
            resizeWidth = (int) Math.rint((double) baseSize / gridH * gridW);
        } else {
            resizeWidth = baseSize;
            resizeHeight = (int) Math.rint((double) baseSize / gridW * gridH);
        }
        int cropTop = (int) Math.rint((baseSize - resizeHeight) / 2.0);
        int cropLeft = (int) Math.rint((baseSize - resizeWidth) / 2.0);
        return new CropRegion(cropTop, cropLeft, cropTop + resizeHeight, cropLeft + resizeWidth);
    }

    /**
     * The table the pipeline builds for a latent grid of {@code gridH x gridW} patches.
     *
     * @param headDim {@code inner_dim // num_heads}, a multiple of 4
     * @param patchSize the DiT's patch size (sets the base grid {@code 64 // patch_size})
     */
    public static RotaryEmbedding forGrid(NDManager manager, int headDim, int gridH, int gridW, int patchSize) {
        CropRegion crop = resizeCropRegionForGrid(gridH, gridW, BASE_LATENT_SIZE / patchSize);
        return get2dRotaryPosEmbed(manager, headDim, crop, gridH, gridW);
    }

    /**
     * {@code get_2d_rotary_pos_embed(embedDim, crop, (gridH, gridW), use_real=True)}.
     *
     * @return cos and sin [gridH * gridW, embedDim] float32, in {@code manager}
     */
    public static RotaryEmbedding get2dRotaryPosEmbed(NDManager manager, int embedDim, CropRegion crop, int gridH,
            int gridW) {
        if (embedDim <= 0 || embedDim % 4 != 0) {
            throw new IllegalArgumentException("embed_dim must be a positive multiple of 4 but is " + embedDim);
        }
        if (gridH <= 0 || gridW <= 0) {
            throw new IllegalArgumentException("grid " + gridH + "x" + gridW + " must be positive");
        }
        // linspace(start, stop * (g - 1) / g, g): the stop is a Python float, cast to float32 by torch
        float[] gridHPos = linspace(crop.top(), (float) (crop.bottom() * (gridH - 1) / (double) gridH), gridH);
        float[] gridWPos = linspace(crop.left(), (float) (crop.right() * (gridW - 1) / (double) gridW), gridW);
        int half = embedDim / 2;
        float[] freqs = frequencies(half);
        int n = gridH * gridW;
        float[] cos = new float[n * embedDim];
        float[] sin = new float[n * embedDim];
        for (int row = 0; row < gridH; row++) {
            for (int col = 0; col < gridW; col++) {
                int t = row * gridW + col;
                // the first half with the w (column) coordinate, the second with the h (row) coordinate
                fill(cos, sin, t * embedDim, gridWPos[col], freqs);
                fill(cos, sin, t * embedDim + half, gridHPos[row], freqs);
            }
        }
        Shape shape = new Shape(n, embedDim);
        return new RotaryEmbedding(HostArrays.floats(manager, cos, shape), HostArrays.floats(manager, sin, shape));
    }

    /** {@code 1.0 / theta ** (arange(0, dim, 2, float32) / dim)} in float32. */
    private static float[] frequencies(int dim) {
        float[] f = new float[dim / 2];
        for (int k = 0; k < f.length; k++) {
            float exponent = (float) (2 * k) / dim;
            f[k] = 1.0f / (float) Math.pow(THETA, exponent);
        }
        return f;
    }

    /** One position's {@code repeat_interleave(2)} cos/sin of {@code pos * freqs} (float32 products). */
    private static void fill(float[] cos, float[] sin, int offset, float pos, float[] freqs) {
        for (int k = 0; k < freqs.length; k++) {
            float angle = pos * freqs[k];
            float c = (float) Math.cos(angle);
            float s = (float) Math.sin(angle);
            cos[offset + 2 * k] = c;
            cos[offset + 2 * k + 1] = c;
            sin[offset + 2 * k] = s;
            sin[offset + 2 * k + 1] = s;
        }
    }

    /** torch's CPU {@code linspace} in float32: from the start for the first half, from the end for the rest. */
    static float[] linspace(float start, float end, int steps) {
        float[] out = new float[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        for (int i = 0; i < steps; i++) {
            out[i] = i < halfway ? start + step * i : end - step * (steps - i - 1);
        }
        return out;
    }
}
