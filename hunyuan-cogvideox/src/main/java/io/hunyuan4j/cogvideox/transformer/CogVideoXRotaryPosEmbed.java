package io.hunyuan4j.cogvideox.transformer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.transformer.RotaryEmbedding;

/**
 * The 3D RoPE table CogVideoX pipelines compute ({@code _prepare_rotary_positional_embeddings} with
 * {@code get_3d_rotary_pos_embed}) and pass to the transformer: per video token [t | h | w] frequencies (head dim
 * split d/4, 3d/8, 3d/8), each frequency repeated twice for adjacent pairs, theta 10000, float32.
 *
 * <ul>
 *   <li>CogVideoX 1.0 ({@code patch_size_t = None}): a "linspace" grid over the crop region
 *       {@code get_resize_crop_region_for_grid} gives, with Python's round-half-to-even;</li>
 *   <li>CogVideoX 1.5: integer ("slice") positions, temporal positions per {@code patch_size_t} group.</li>
 * </ul>
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/cogvideo/pipeline_cogvideox.py">diffusers CogVideoXPipeline._prepare_rotary_positional_embeddings</a>
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/embeddings.py">diffusers get_3d_rotary_pos_embed</a>
 */
public final class CogVideoXRotaryPosEmbed {

    /** diffusers {@code get_3d_rotary_pos_embed(theta=10000)}. */
    public static final int THETA = 10000;

    private CogVideoXRotaryPosEmbed() {}

    /**
     * The table for latents of {@code latentFrames x latentHeight x latentWidth} (the pipeline's
     * {@code height // (vae_scale_factor_spatial * p)} equals {@code latentHeight // p}).
     *
     * @param latentFrames {@code latents.size(1)} (already padded to a multiple of p_t for 1.5)
     * @return cos and sin [N, head_dim] float32 in {@code manager}, N = video tokens of the transformer
     * @throws IllegalArgumentException if the config has no RoPE or a size is not positive
     */
    public static RotaryEmbedding forLatents(NDManager manager, CogVideoXTransformerConfig c, int latentFrames,
            int latentHeight, int latentWidth) {
        if (!c.useRotaryPositionalEmbeddings()) {
            throw new IllegalArgumentException("the transformer config has use_rotary_positional_embeddings=false");
        }
        if (latentFrames < 1 || latentHeight < 1 || latentWidth < 1) {
            throw new IllegalArgumentException("latent size must be positive but is " + latentFrames + "x"
                    + latentHeight + "x" + latentWidth);
        }
        int p = c.patchSize();
        int gridH = latentHeight / p;
        int gridW = latentWidth / p;
        int baseW = c.sampleWidth() / p;
        int baseH = c.sampleHeight() / p;
        float[] posT;
        float[] posH;
        float[] posW;
        int temporal;
        if (c.patchSizeT() == null) {
            // CogVideoX 1.0: linspace over the crop region
            long[] crop = resizeCropRegionForGrid(gridH, gridW, baseW, baseH);
            temporal = latentFrames;
            posH = linspace(crop[0], crop[2] * (gridH - 1) / (double) gridH, gridH);
            posW = linspace(crop[1], crop[3] * (gridW - 1) / (double) gridW, gridW);
            posT = linspace(0, temporal * (temporal - 1) / (double) temporal, temporal);
        } else {
            // CogVideoX 1.5: arange over max_size, sliced
            int pt = c.patchSizeT();
            if (gridH > baseH || gridW > baseW) {
                // diffusers slices arange(max_size) and then fails to broadcast: say so up front
                throw new IllegalArgumentException("CogVideoX 1.5 RoPE grid " + gridH + "x" + gridW
                        + " exceeds the max size (sample_height/p, sample_width/p) = " + baseH + "x" + baseW);
            }
            temporal = (latentFrames + pt - 1) / pt;
            posH = arange(gridH);
            posW = arange(gridW);
            posT = arange(temporal);
        }
        int d = c.attentionHeadDim();
        int dimT = d / 4;
        int dimH = d / 8 * 3;
        int dimW = d / 8 * 3;
        float[][] t = axis(dimT, posT);
        float[][] h = axis(dimH, posH);
        float[][] w = axis(dimW, posW);
        int n = temporal * gridH * gridW;
        float[] cos = new float[n * d];
        float[] sin = new float[n * d];
        int at = 0;
        for (int a = 0; a < temporal; a++) {
            for (int i = 0; i < gridH; i++) {
                for (int j = 0; j < gridW; j++) {
                    System.arraycopy(t[0], a * dimT, cos, at, dimT);
                    System.arraycopy(t[1], a * dimT, sin, at, dimT);
                    System.arraycopy(h[0], i * dimH, cos, at + dimT, dimH);
                    System.arraycopy(h[1], i * dimH, sin, at + dimT, dimH);
                    System.arraycopy(w[0], j * dimW, cos, at + dimT + dimH, dimW);
                    System.arraycopy(w[1], j * dimW, sin, at + dimT + dimH, dimW);
                    at += d;
                }
            }
        }
        Shape shape = new Shape(n, d);
        return new RotaryEmbedding(HostArrays.floats(manager, cos, shape), HostArrays.floats(manager, sin, shape));
    }

    /**
     * diffusers {@code get_resize_crop_region_for_grid((h, w), tgt_width, tgt_height)}.
     *
     * @return {top, left, bottom, right}
     */
    static long[] resizeCropRegionForGrid(int h, int w, int tw, int th) {
        double r = (double) h / w;
        long resizeHeight;
        long resizeWidth;
        if (r > (double) th / tw) {
            resizeHeight = th;
            resizeWidth = (long) Math.rint((double) th / h * w);
        } else {
            resizeWidth = tw;
            resizeHeight = (long) Math.rint((double) tw / w * h);
        }
        // Python round(): half to even, as Math.rint
        long cropTop = (long) Math.rint((th - resizeHeight) / 2.0);
        long cropLeft = (long) Math.rint((tw - resizeWidth) / 2.0);
        return new long[] {cropTop, cropLeft, cropTop + resizeHeight, cropLeft + resizeWidth};
    }

    /** {@code torch.linspace(start, end, steps, dtype=float32)}: float32 step, the second half counted from end. */
    static float[] linspace(double start, double end, int steps) {
        float[] out = new float[steps];
        float s = (float) start;
        float e = (float) end;
        if (steps == 1) {
            out[0] = s;
            return out;
        }
        float step = (e - s) / (steps - 1);
        int halfway = steps / 2;
        for (int i = 0; i < steps; i++) {
            out[i] = i < halfway ? s + step * i : e - step * (steps - i - 1);
        }
        return out;
    }

    private static float[] arange(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    /**
     * {@code get_1d_rotary_pos_embed(dim, pos, theta, use_real=True)}: float32 frequencies
     * {@code 1 / theta^(arange(0, dim, 2) / dim)}, cos and sin of {@code pos * freq}, each repeated twice.
     *
     * @return {cos, sin}, each [len(pos), dim] row-major
     */
    private static float[][] axis(int dim, float[] pos) {
        int half = dim / 2;
        float[] freqs = new float[half];
        for (int k = 0; k < half; k++) {
            float exponent = (float) (2 * k) / dim;
            freqs[k] = 1.0f / (float) Math.pow(THETA, exponent);
        }
        float[] cos = new float[pos.length * dim];
        float[] sin = new float[pos.length * dim];
        for (int i = 0; i < pos.length; i++) {
            for (int k = 0; k < half; k++) {
                float a = pos[i] * freqs[k];
                float cv = (float) Math.cos(a);
                float sv = (float) Math.sin(a);
                int o = i * dim + 2 * k;
                cos[o] = cv;
                cos[o + 1] = cv;
                sin[o] = sv;
                sin[o + 1] = sv;
            }
        }
        return new float[][] {cos, sin};
    }
}
