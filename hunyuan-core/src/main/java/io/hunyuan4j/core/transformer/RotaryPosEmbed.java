package io.hunyuan4j.core.transformer;

import io.hunyuan4j.core.ops.HostArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * diffusers {@code HunyuanVideoRotaryPosEmbed}: the 3D RoPE table over the post-patch (t, h, w) grid. Per axis
 * with {@code d} channels, frequencies {@code 1 / theta^(arange(0, d, 2) / d)} times integer grid positions;
 * cos and sin each repeated twice ({@code repeat_interleave(2)}), axes concatenated in the order t, h, w; tokens
 * t-major, then h, then w.
 *
 * <p>Computed on the host in float32 in the reference's order (float32 exponent, float32 angle {@code pos *
 * freq}); the table is tiny next to the forward pass.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoRotaryPosEmbed</a>
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/embeddings.py">diffusers get_1d_rotary_pos_embed</a>
 */
public final class RotaryPosEmbed {

    private final int patchSize;
    private final int patchSizeT;
    private final TransformerConfig.RopeAxesDim ropeDim;
    private final float theta;

    /** From the model's patch sizes, {@code rope_axes_dim} and {@code rope_theta}. */
    public RotaryPosEmbed(int patchSize, int patchSizeT, TransformerConfig.RopeAxesDim ropeDim, float theta) {
        this.patchSize = patchSize;
        this.patchSizeT = patchSizeT;
        this.ropeDim = ropeDim;
        this.theta = theta;
    }

    /**
     * The table for a latent of {@code numFrames x height x width} (before patching).
     *
     * @param manager where the table is created
     * @return cos and sin [N, head_dim] float32
     */
    public RotaryEmbedding forward(NDManager manager, long numFrames, long height, long width) {
        int[] ropeSizes = {(int) (numFrames / patchSizeT), (int) (height / patchSize), (int) (width / patchSize)};
        int n = ropeSizes[0] * ropeSizes[1] * ropeSizes[2];
        int headDim = ropeDim.sum();
        float[] cos = new float[n * headDim];
        float[] sin = new float[n * headDim];
        int offset = 0;
        for (int axis = 0; axis < 3; axis++) {
            int d = ropeDim.get(axis);
            float[] freqs = new float[d / 2];
            for (int k = 0; k < d / 2; k++) {
                // 1.0 / (theta ** (arange(0, d, 2, float32) / d))
                float exponent = (2f * k) / d;
                freqs[k] = 1f / (float) Math.pow(theta, exponent);
            }
            for (int token = 0; token < n; token++) {
                float pos = gridPosition(token, axis, ropeSizes);
                for (int k = 0; k < d / 2; k++) {
                    float angle = pos * freqs[k]; // torch.outer in float32
                    float c = (float) Math.cos(angle);
                    float s = (float) Math.sin(angle);
                    int at = token * headDim + offset + 2 * k;
                    cos[at] = c;
                    cos[at + 1] = c;
                    sin[at] = s;
                    sin[at + 1] = s;
                }
            }
            offset += d;
        }
        Shape shape = new Shape(n, headDim);
        return new RotaryEmbedding(HostArrays.floats(manager, cos, shape), HostArrays.floats(manager, sin, shape));
    }

    /** Position of {@code token} (t-major, then h, then w) along {@code axis}. */
    private static float gridPosition(int token, int axis, int[] sizes) {
        return switch (axis) {
            case 0 -> token / (sizes[1] * sizes[2]);
            case 1 -> (token / sizes[2]) % sizes[1];
            default -> token % sizes[2];
        };
    }
}
